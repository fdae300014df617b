package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.HeadlessChromium;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.PageServer;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS as a browser enforces it: headless Chromium loads a page from one loopback origin whose script POSTs a
 * message to the packaged service on another. From the origin in CORS_ORIGINS the mail arrives; from any other
 * the browser's preflight is refused, fetch() fails with a TypeError and nothing is queued.
 */
class BrowserCorsIT {

    static RedisServerProcess redis;
    static GreenMail smtp;
    static PageServer listed;
    static PageServer unlisted;
    static MailerProcess mailer;
    static int port;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(HeadlessChromium.available(),
                "no " + HeadlessChromium.BINARY + ": .ci/run should run `" + HeadlessChromium.INSTALL + "`");
        redis = new RedisServerProcess();
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        listed = new PageServer();
        unlisted = new PageServer();
        port = FreePort.find();
        mailer = MailerProcess.start(MailerProcess.workingDirectory(), Map.of("REDIS_URL", redis.url(),
                "MAILER_HTTP_PORT", Integer.toString(port), "SMTP_SERVER", "127.0.0.1",
                "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "SMTP_SECURITY", "none",
                "CORS_ORIGINS", "https://app.example.org, " + listed.origin()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (mailer != null) {
            mailer.close();
        }
        if (listed != null) {
            listed.close();
            unlisted.close();
            smtp.stop();
            redis.close();
        }
    }

    /**
     * A page that first checks the service is reachable at all (a no-cors GET resolves to an opaque answer whatever
     * CORS says), then POSTs the message as a front end would and writes what it got into #result.
     */
    static String page(String subject) {
        String service = "http://127.0.0.1:" + port;
        String body = Json.of(Map.of("destinataire", "alice@example.org", "sujet", subject, "message", "Depuis le navigateur"));
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>front end</title></head>
                <body><pre id="reachable">pending</pre><pre id="result">pending</pre>
                <script>
                  const show = (id, text) => { document.getElementById(id).textContent = text; };
                  fetch('%1$s/', {mode: 'no-cors'})
                    .then(r => show('reachable', 'reachable=' + r.type), e => show('reachable', 'unreachable=' + e))
                    .then(() => fetch('%1$s/message', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                       body: JSON.stringify(%2$s)}))
                    .then(r => r.text().then(t => show('result', 'status=' + r.status + ' ' + t)))
                    .catch(e => show('result', 'error=' + e.name + ': ' + e.message));
                </script></body></html>
                """.formatted(service, body);
    }

    @Test
    void should_deliver_a_mail_posted_by_a_page_from_the_listed_origin() {
        String subject = "Depuis une origine autorisée";
        listed.serve(page(subject));

        String dom = HeadlessChromium.dumpDom(listed.origin() + "/", Duration.ofSeconds(60));

        assertThat(text(dom, "reachable")).isEqualTo("reachable=opaque");
        assertThat(text(dom, "result")).startsWith("status=202 ").contains("\"status\":\"queued\"");
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects().anyMatch(subject::equals));
        assertThat(subjects().filter(subject::equals)).hasSize(1);
    }

    @Test
    void should_block_a_page_from_an_unlisted_origin() {
        String subject = "Depuis une origine inconnue";
        unlisted.serve(page(subject));
        int tasks = redis.redis().keys("mailer:task:*").size();

        String dom = HeadlessChromium.dumpDom(unlisted.origin() + "/", Duration.ofSeconds(60));

        assertThat(text(dom, "reachable")).as("the service was reachable from the page").isEqualTo("reachable=opaque");
        assertThat(text(dom, "result")).as("the browser refused the cross-origin POST").startsWith("error=TypeError");
        // a request that reached the route would have written its task record before any answer
        assertThat(redis.redis().keys("mailer:task:*")).as("nothing queued").hasSize(tasks);
        assertThat(subjects().filter(subject::equals)).isEmpty();
    }

    /** The text of the element {@code <pre id="...">} in the dumped DOM. */
    static String text(String dom, String id) {
        Matcher m = Pattern.compile("<pre id=\"" + id + "\">([^<]*)</pre>").matcher(dom);
        assertThat(m.find()).as("#%s in %s", id, dom).isTrue();
        return m.group(1).replace("&quot;", "\"").replace("&amp;", "&");
    }

    static java.util.stream.Stream<String> subjects() {
        return Arrays.stream(smtp.getReceivedMessages()).map(BrowserCorsIT::subject);
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
