package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * CORS as a browser enforces it: headless Chromium loads a page whose script POSTs a message to the packaged service.
 * Out of the box a page served from this machine (a local front end on any port) gets its mail sent, and a page from
 * a web site (Chromium resolves the site's name to the loopback page server) does not: the browser's preflight is
 * refused, fetch() fails with a TypeError and nothing is queued. With CORS_ORIGINS set, the listed site's page
 * gets through and others still do not.
 */
class BrowserCorsIT {

    static final String FRONT_END = "front.example";
    static final String EVIL = "evil.example";

    static RedisServerProcess redis;
    static GreenMail smtp;
    static PageServer pages;
    /** CORS_ORIGINS unset. */
    static MailerProcess defaults;
    /** CORS_ORIGINS listing the front end's site. */
    static MailerProcess listing;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(HeadlessChromium.available(),
                "no " + HeadlessChromium.BINARY + ": .ci/run should run `" + HeadlessChromium.INSTALL + "`");
        redis = new RedisServerProcess();
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        pages = new PageServer();
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "SMTP_SERVER", "127.0.0.1",
                "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "SMTP_SECURITY", "none");
        defaults = MailerProcess.start(MailerProcess.workingDirectory(), with(env, "MAILER_HTTP_PORT", FreePort.find()));
        listing = MailerProcess.start(MailerProcess.workingDirectory(), with(with(env, "MAILER_HTTP_PORT", FreePort.find()),
                "CORS_ORIGINS", "https://app.example.org, " + pages.origin(FRONT_END)));
    }

    static Map<String, String> with(Map<String, String> env, String name, Object value) {
        Map<String, String> more = new java.util.HashMap<>(env);
        more.put(name, value.toString());
        return more;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (defaults != null) {
            defaults.close();
        }
        if (listing != null) {
            listing.close();
        }
        if (pages != null) {
            pages.close();
            smtp.stop();
            redis.close();
        }
    }

    /**
     * A page that first checks the service is reachable at all (a no-cors GET resolves to an opaque answer whatever
     * CORS says), then POSTs the message as a front end would and writes what it got into #result.
     */
    static String page(MailerProcess mailer, String subject) {
        String service = "http://127.0.0.1:" + mailer.port();
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
    void should_deliver_a_mail_posted_by_a_page_on_this_machine_by_default() {
        String subject = "Depuis un front end local";

        String dom = load(pages.origin("localhost"), page(defaults, subject));

        assertThat(text(dom, "reachable")).isEqualTo("reachable=opaque");
        assertThat(text(dom, "result")).startsWith("status=202 ").contains("\"status\":\"queued\"");
        assertDelivered(subject);
    }

    @Test
    void should_block_a_page_from_a_web_site_by_default() {
        assertBlocked(pages.origin(FRONT_END), defaults, "Depuis un site, sans CORS_ORIGINS");
    }

    @Test
    void should_deliver_a_mail_posted_by_a_page_from_an_origin_in_cors_origins() {
        String subject = "Depuis une origine autorisée";

        String dom = load(pages.origin(FRONT_END), page(listing, subject));

        assertThat(text(dom, "reachable")).isEqualTo("reachable=opaque");
        assertThat(text(dom, "result")).startsWith("status=202 ").contains("\"status\":\"queued\"");
        assertDelivered(subject);
    }

    @Test
    void should_block_a_page_from_an_origin_not_in_cors_origins() {
        assertBlocked(pages.origin(EVIL), listing, "Depuis une origine inconnue");
    }

    static String load(String origin, String html) {
        pages.serve(html);
        return HeadlessChromium.dumpDom(origin + "/", Duration.ofSeconds(60), List.of(FRONT_END, EVIL));
    }

    static void assertDelivered(String subject) {
        await().atMost(Duration.ofSeconds(20)).until(() -> subjects().anyMatch(subject::equals));
        assertThat(subjects().filter(subject::equals)).hasSize(1);
    }

    static void assertBlocked(String origin, MailerProcess mailer, String subject) {
        int tasks = redis.redis().keys("mailer:task:*").size();

        String dom = load(origin, page(mailer, subject));

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
