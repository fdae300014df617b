package org.camelmailer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.camelmailer.support.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each Gemini outcome of shared/gemini/, as the recipient and the operator see it. */
class GeminiEnhancementTest {

    static final String KEY = "AIzaTEST-canary-key-0123456789";
    /** An operator's own prompt, in a file of its own: sent as it is written, no rebuild. */
    static final String PROMPT = "Mets ce courriel en HTML sobre, aux couleurs de la Maison.\nGarde le tutoiement.";
    static final String TEXT = "Bonjour,\n\nVoici le compte rendu de la réunion :\n- budget validé\n- prochaine réunion jeudi\n\nCordialement,\nAlice";

    static final String OLD_DAY = "2020-01-01";
    static final LocalDate YESTERDAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);

    static GreenMail smtp;
    static GeminiStub gemini;
    static RunningMailer mailer;
    static Path logDir;

    @BeforeAll
    static void start() throws IOException {
        Path prompt = Files.writeString(TempDirs.create("prompt").resolve("maison.txt"), PROMPT + "\n");
        // a log an earlier run left: day folders from long ago and from yesterday (GEMINI_LOG_RETENTION=2d)
        logDir = TempDirs.create("gemini-logs");
        for (String day : List.of(OLD_DAY, YESTERDAY.toString())) {
            Files.createDirectories(logDir.resolve(day));
            Files.writeString(logDir.resolve(day).resolve("20200101T000000000Z-old-task.json"), "{}");
        }
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        gemini = new GeminiStub();
        mailer = RunningMailer.onOwnRedis(Map.ofEntries(
                Map.entry("SMTP_SERVER", "127.0.0.1"), Map.entry("SMTP_PORT", Integer.toString(smtp.getSmtp().getPort())),
                Map.entry("SMTP_SECURITY", "none"), Map.entry("SENDER_EMAIL", "noreply@example.org"),
                Map.entry("GEMINI_API_KEY", KEY), Map.entry("GEMINI_BASE_URL", gemini.baseUrl()),
                Map.entry("GEMINI_MODEL", "test-model"), Map.entry("GEMINI_TIMEOUT", "1s"),
                Map.entry("GEMINI_MAX_ATTEMPTS", "3"), Map.entry("GEMINI_RETRY_DELAY", "50ms"),
                Map.entry("GEMINI_PROMPT_FILE", prompt.toString()), Map.entry("GEMINI_TEMPERATURE", "0.7"),
                Map.entry("GEMINI_MAX_OUTPUT_TOKENS", "2048"), Map.entry("GEMINI_LOG_DIR", logDir.toString()),
                Map.entry("GEMINI_LOG_RETENTION", "2d")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
        gemini.close();
        smtp.stop();
    }

    @BeforeEach
    void clean() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    static String post(boolean enhance) {
        var r = mailer.postJson(Json.of(Map.of("destinataire", "alice@example.org", "sujet", "Compte rendu",
                "message", TEXT, "enhance_content", enhance)));
        assertThat(r.statusCode()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    static Map<String, Object> sent(String taskId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(status(taskId).get("status")));
        return status(taskId);
    }

    static Map<String, Object> status(String taskId) {
        return Json.parse(mailer.get("/message/" + taskId).body());
    }

    static MimeMessage received() {
        assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
        return smtp.getReceivedMessages()[0];
    }

    /** The task's log files, wherever they are under GEMINI_LOG_DIR (in the folder of their day). */
    static List<Path> logFiles(String taskId) throws IOException {
        try (var files = Files.walk(mailer.geminiLogs())) {
            return files.filter(f -> f.getFileName().toString().contains(taskId)).sorted().toList();
        }
    }

    @Test
    void should_send_multipart_alternative_with_gemini_html() throws Exception {
        gemini.answers(fixture(200, "200-ok.json"));
        String taskId = post(true);

        MimeMessage mail = received();
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n")).isEqualTo(TEXT);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("<li>budget validé</li>").contains("<p>Bonjour,</p>");
        Map<String, Object> status = sent(taskId);
        assertThat(status).containsEntry("enhanced", true).containsEntry("error", null);
    }

    /** A template rendered at accept time is what Gemini turns into HTML: its HTML part gives way to Gemini's. */
    @Test
    void should_enhance_the_rendered_text_of_a_template() throws Exception {
        gemini.answers(fixture(200, "200-ok.json"));
        var r = mailer.postJson(Json.of(Map.of("to", "alice@example.org", "template", "welcome",
                "variables", Map.of("name", "Alice <Martin>", "product", "Acme"), "enhance_content", true)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        MimeMessage mail = received();
        assertThat(mail.getSubject()).isEqualTo("Bienvenue sur Acme, Alice <Martin> !");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).startsWith("Bonjour Alice <Martin>,");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("<li>budget validé</li>")
                .doesNotContain("Votre compte");
        assertThat(gemini.requests()).anySatisfy(request ->
                assertThat(request.getBodyAsString()).contains("Bonjour Alice <Martin>,").contains("Votre compte Acme"));
    }

    @Test
    void should_call_gemini_with_the_key_in_a_header_only_and_log_the_exchange_without_it() throws Exception {
        gemini.answers(fixture(200, "200-ok.json"));
        String taskId = post(true);
        sent(taskId);

        var request = gemini.requests().get(0);
        assertThat(request.getUrl()).isEqualTo("/v1beta/models/test-model:generateContent");
        assertThat(request.getHeader("x-goog-api-key")).isEqualTo(KEY);
        assertThat(request.getHeader("Authorization")).isNull();
        Map<String, Object> body = Json.parse(request.getBodyAsString());
        assertThat(Json.of(body.get("contents"))).contains("budget validé");
        assertThat(Json.of(body.get("generationConfig"))).contains("\"responseMimeType\":\"text/plain\"")
                .contains("\"temperature\":0.7").contains("\"maxOutputTokens\":2048");
        assertThat(Json.of(body.get("systemInstruction"))).isEqualTo(Json.of(Map.of("parts", List.of(Map.of("text", PROMPT)))));

        List<Path> logs = logFiles(taskId);
        assertThat(logs).hasSize(1);
        assertThat(logs.get(0).getParent()).isEqualTo(mailer.geminiLogs().resolve(LocalDate.now(ZoneOffset.UTC).toString()));
        assertThat(logs.get(0).getFileName().toString()).matches("\\d{8}T\\d{9}Z-" + taskId + "\\.json");
        String log = Files.readString(logs.get(0));
        assertThat(log).doesNotContain(KEY);
        Map<String, Object> entry = Json.parse(log);
        assertThat(entry).containsEntry("task_id", taskId).containsEntry("model", "test-model").containsEntry("status", 200)
                .containsKeys("request", "response", "duration_ms");
        assertThat(Json.of(entry.get("response"))).contains("mGcFaePWKtCw1MkPoJ2x8Qc");
    }

    @ParameterizedTest(name = "{1} -> plain text, no retry")
    @CsvSource({
            "200, 200-prompt-blocked.json, prompt blocked",
            "200, 200-safety-blocked.json, SAFETY",
            "200, 200-max-tokens-empty.json, MAX_TOKENS",
            "400, 400-api-key-invalid.json, 400",
            "404, 404-model-not-found.json, 404",
            "429, 429-resource-exhausted.json, quota"})
    void should_send_plain_text_without_retrying_when_gemini_gives_no_usable_html(int code, String file, String reason)
            throws Exception {
        gemini.answers(fixture(code, file));
        String taskId = post(true);

        MimeMessage mail = received();
        assertThat(mail.getContentType()).startsWith("text/plain");
        assertThat(((String) mail.getContent()).replace("\r\n", "\n")).isEqualTo(TEXT);
        Map<String, Object> status = sent(taskId);
        assertThat(status).containsEntry("enhanced", false);
        assertThat((String) status.get("error")).contains(reason);
        assertThat(gemini.requests()).hasSize(1);
        assertThat(logFiles(taskId)).hasSize(1);
    }

    @ParameterizedTest(name = "{1} then 200 -> enhanced after a retry")
    @CsvSource({"503, 503-unavailable.json", "500, 500-internal.json", "504, 504-deadline-exceeded.json"})
    void should_retry_a_passing_gemini_error_and_then_enhance(int code, String file) throws Exception {
        gemini.answers(fixture(code, file), fixture(200, "200-ok.json"));
        String taskId = post(true);

        assertThat(received().getContentType()).startsWith("multipart/alternative");
        assertThat(sent(taskId)).containsEntry("enhanced", true);
        assertThat(gemini.requests()).hasSize(2);
        assertThat(logFiles(taskId)).hasSize(2);
    }

    @Test
    void should_wait_as_long_as_retry_info_asks_holding_no_thread_meanwhile() throws Exception {
        gemini.answers(GeminiStub.perMinuteQuota("2s"), fixture(200, "200-ok.json"));
        String taskId = post(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.requests().size() == 1);

        // while the second attempt waits, no thread is in the Gemini step or in a Camel processor: a waiting retry is
        // a scheduled task (a thread sleeping in a loop, in Camel's synchronous redelivery, or a worker thread
        // awaiting the asynchronous one, would show)
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofMillis(1_500))
                .untilAsserted(() -> assertThat(threadsInTheGeminiStep()).isEmpty());
        assertThat(gemini.requests()).hasSize(1);

        assertThat(sent(taskId)).containsEntry("enhanced", true);
        var requests = gemini.requests();
        assertThat(requests).hasSize(2);
        long waited = Math.abs(requests.get(0).getLoggedDate().getTime() - requests.get(1).getLoggedDate().getTime());
        assertThat(waited).as("RetryInfo asked for 2 s, the backoff alone is 50 ms").isGreaterThanOrEqualTo(1_950);
        assertThat(logFiles(taskId)).hasSize(2);
    }

    @Test
    void should_send_plain_text_at_once_when_gemini_asks_to_wait_past_the_maximum() throws Exception {
        gemini.answers(GeminiStub.perMinuteQuota("45s"), fixture(200, "200-ok.json"));
        String taskId = post(true);

        assertThat(received().getContentType()).startsWith("text/plain");
        assertThat((String) sent(taskId).get("error")).contains("429").contains("(Gemini asks to wait 45s)");
        assertThat(gemini.requests()).hasSize(1);
    }

    /** Threads whose stack is in the Gemini step, in any Camel processor or awaiting one, as "name: frame". */
    static List<String> threadsInTheGeminiStep() {
        List<String> busy = new java.util.ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().startsWith("org.camelmailer.enhance.")
                        || frame.getClassName().startsWith("org.apache.camel.processor.")
                        || frame.getClassName().endsWith("AsyncProcessorAwaitManager")) {
                    busy.add(thread.getName() + ": " + frame);
                    return;
                }
            }
        });
        return busy;
    }

    @Test
    void should_not_choke_on_an_html_502_from_a_google_front_end() throws Exception {
        gemini.answers(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><body>502 Bad Gateway</body></html>"), fixture(200, "200-ok.json"));
        String taskId = post(true);

        assertThat(sent(taskId)).containsEntry("enhanced", true);
        assertThat(gemini.requests()).hasSize(2);
    }

    @Test
    void should_send_plain_text_after_the_last_attempt_fails() throws Exception {
        gemini.answers(fixture(503, "503-unavailable.json"));
        String taskId = post(true);

        assertThat(received().getContentType()).startsWith("text/plain");
        Map<String, Object> status = sent(taskId);
        assertThat(status).containsEntry("enhanced", false);
        assertThat((String) status.get("error")).contains("503").contains("after 3 attempts");
        assertThat(gemini.requests()).hasSize(3);
    }

    @Test
    void should_give_up_on_a_gemini_that_does_not_answer_in_time() throws Exception {
        gemini.answers(fixture(200, "200-ok.json").withFixedDelay(3_000));
        String taskId = post(true);

        assertThat(received().getContentType()).startsWith("text/plain");
        assertThat((String) sent(taskId).get("error")).containsIgnoringCase("timeout");
        // WireMock journals a delayed request only once it has answered: let it, so the next test starts clean
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.requests().size() == 3);
    }

    @Test
    void should_remove_the_log_of_days_past_the_retention_and_keep_the_recent_ones() throws Exception {
        gemini.answers(fixture(200, "200-ok.json"));
        String taskId = post(true);
        sent(taskId);

        // enhance-log-retention runs 5 s after the start
        await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(logDir.resolve(OLD_DAY)));
        assertThat(logDir.resolve(YESTERDAY.toString()).resolve("20200101T000000000Z-old-task.json")).exists();
        assertThat(logFiles(taskId)).hasSize(1);
    }

    @Test
    void should_not_call_gemini_when_enhancement_is_not_asked_for() throws Exception {
        gemini.answers(fixture(200, "200-ok.json"));
        String taskId = post(false);

        assertThat(received().getContentType()).startsWith("text/plain");
        assertThat(sent(taskId)).containsEntry("enhanced", false);
        assertThat(gemini.requests()).isEmpty();
    }

    @Test
    void should_strip_scripts_and_tracking_from_gemini_html() throws Exception {
        String hostile = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"```html\\n<p onclick=\\\"steal()\\\">Bonjour</p>"
                + "<script>alert(1)</script><img src=\\\"https://tracker.example/p.gif\\\">"
                + "<a href=\\\"javascript:alert(2)\\\">x</a><a href=\\\"https://example.org/\\\">lien</a>\\n```\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}]}";
        gemini.answers(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(hostile));
        post(true);

        MimeMultipart parts = (MimeMultipart) received().getContent();
        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(html).contains("Bonjour").contains("https://example.org/")
                .doesNotContain("<script").doesNotContain("onclick").doesNotContain("javascript:")
                .doesNotContain("<img").doesNotContain("tracker.example").doesNotContain("```");
    }
}
