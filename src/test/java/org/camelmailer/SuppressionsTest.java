package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The suppression list through the running service: a recipient the SMTP server refuses for good at RCPT TO is put
 * on it (seen at GET /admin/suppressions), a temporary refusal is not, MAILER_SUPPRESS_HARD_BOUNCES=false turns it
 * off; operators add and remove addresses under /admin/suppressions with the API key.
 */
class SuppressionsTest {

    static final String KEY = "suppressions-test-key";

    static FaultySmtpServer smtp;
    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        smtp = new FaultySmtpServer();
        mailer = RunningMailer.onOwnRedis(environment(Map.of()));
    }

    static Map<String, String> environment(Map<String, String> more) {
        return new MailerEnv().smtp(smtp.port()).with("MAILER_API_KEY", KEY).with("MAILER_RETRY_DELAY", "200ms")
                .with(more).toMap();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
        smtp.close();
    }

    static HttpResponse<String> call(RunningMailer mailer, String method, String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(mailer.uri(path)).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return mailer.send(b.build());
    }

    static HttpResponse<String> authorized(String method, String path, String json) {
        return call(mailer, method, path, json, "X-API-Key", KEY);
    }

    static String send(RunningMailer mailer, Object to) {
        return mailer.accept(Map.of("to", to, "subject", "Point", "text", "Bonjour"), "X-API-Key", KEY);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> suppressions(RunningMailer mailer) {
        HttpResponse<String> r = call(mailer, "GET", "/admin/suppressions", null, "Authorization", "Bearer " + KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return (List<Map<String, Object>>) Json.parse(r.body()).get("suppressions");
    }

    static List<Object> addresses(RunningMailer mailer) {
        return suppressions(mailer).stream().map(e -> e.get("email")).toList();
    }

    @Test
    void should_suppress_a_recipient_refused_with_550_at_rcpt_to() {
        smtp.replyAlways("gone@example.org", 550);
        String taskId = send(mailer, "Gone <Gone@example.org>");

        mailer.awaitStatus(taskId, "failed", Duration.ofSeconds(15), "X-API-Key", KEY);
        assertThat(suppressions(mailer)).anySatisfy(e -> {
            assertThat(e).containsEntry("email", "gone@example.org").containsEntry("task_id", taskId);
            assertThat((String) e.get("reason")).startsWith("550 5.1.1 <Gone@example.org>: refused by the test");
            assertThat((String) e.get("at")).isNotBlank();
        });
        assertThat(mailer.redis().<String, String>opsForHash().hasKey("mailer:suppressions", "gone@example.org"))
                .isTrue();
        assertThat(mailer.get("/observe/metrics").body()).contains("mailer_suppressions_added_total");
    }

    @Test
    void should_suppress_only_the_refused_recipient_of_several() {
        smtp.replyAlways("refused@example.org", 550);
        String taskId = send(mailer, List.of("kept@example.org", "refused@example.org", "Other <other@example.org>"));

        mailer.awaitStatus(taskId, "failed", Duration.ofSeconds(15), "X-API-Key", KEY);
        assertThat(addresses(mailer)).contains("refused@example.org")
                .doesNotContain("kept@example.org", "other@example.org");
    }

    @Test
    void should_not_suppress_a_recipient_refused_with_450() {
        smtp.reply("busy@example.org", 450, 1);
        String taskId = send(mailer, "busy@example.org");

        mailer.awaitStatus(taskId, "sent", Duration.ofSeconds(15), "X-API-Key", KEY);
        assertThat(smtp.recipientAttempts("busy@example.org")).isEqualTo(2);
        assertThat(addresses(mailer)).doesNotContain("busy@example.org");
    }

    @Test
    void should_not_suppress_when_hard_bounces_are_not_to_be_suppressed() throws Exception {
        smtp.replyAlways("off@example.org", 550);
        try (RunningMailer off = RunningMailer.onOwnRedis(environment(Map.of("MAILER_SUPPRESS_HARD_BOUNCES", "FALSE")))) {
            String taskId = send(off, "off@example.org");

            off.awaitStatus(taskId, "failed", Duration.ofSeconds(15), "X-API-Key", KEY);
            assertThat(suppressions(off)).isEmpty();
            assertThat(off.redis().hasKey("mailer:suppressions")).isFalse();
        }
    }

    @Test
    void should_let_an_operator_add_list_and_remove_an_address() {
        HttpResponse<String> added = authorized("POST", "/admin/suppressions",
                "{\"email\":\"Carl Martin <Carl@Example.ORG>\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        Map<String, Object> entry = Json.parse(added.body());
        assertThat(entry).containsEntry("email", "carl@example.org").containsEntry("reason", "added by an operator")
                .containsEntry("task_id", null).containsKey("at");
        assertThat(suppressions(mailer)).contains(entry);

        HttpResponse<String> removed = authorized("DELETE", "/admin/suppressions/CARL%40example.org", null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(Json.parse(removed.body())).isEqualTo(Map.of("email", "carl@example.org", "status", "removed"));
        assertThat(addresses(mailer)).doesNotContain("carl@example.org");

        authorized("POST", "/admin/suppressions", "{\"email\":\"dora@example.org\"}");
        assertThat(authorized("DELETE", "/admin/suppressions/dora@example.org", null).statusCode()).isEqualTo(200);
    }

    @Test
    void should_answer_bad_requests_with_a_json_error() {
        assertError(authorized("DELETE", "/admin/suppressions/nobody@example.org", null), 404, "nobody@example.org");
        assertError(authorized("DELETE", "/admin/suppressions/not-an-address", null), 400, "adresse");
        assertError(authorized("POST", "/admin/suppressions", "{\"email\":\"pas une adresse\"}"), 400, "'email'");
        assertError(authorized("POST", "/admin/suppressions", "{\"email\":\"a@example.org, b@example.org\"}"), 400,
                "'email'");
        assertError(authorized("POST", "/admin/suppressions", "{\"email\":42}"), 400, "'email'");
        assertError(authorized("POST", "/admin/suppressions", "{}"), 400, "'email'");
        assertError(authorized("POST", "/admin/suppressions", "{\"email\":\"a@example.org\",\"why\":\"x\"}"), 400,
                "'why'");
        assertError(authorized("POST", "/admin/suppressions", "[\"a@example.org\"]"), 400, "email");
        assertError(authorized("POST", "/admin/suppressions", "{\"email\":"), 400, "email");
        assertError(call(mailer, "POST", "/admin/suppressions", null, "X-API-Key", KEY, "Content-Type", "text/plain"),
                415, "JSON");
        assertThat(addresses(mailer)).doesNotContain("a@example.org");
    }

    @Test
    void should_refuse_every_suppression_endpoint_without_the_api_key() {
        assertError(call(mailer, "GET", "/admin/suppressions", null), 401, "API");
        assertError(call(mailer, "POST", "/admin/suppressions", "{\"email\":\"eve@example.org\"}"), 401, "API");
        assertError(call(mailer, "DELETE", "/admin/suppressions/eve@example.org", null, "X-API-Key", "wrong"), 401,
                "API");
        assertThat(addresses(mailer)).doesNotContain("eve@example.org");
    }

    static void assertError(HttpResponse<String> r, int code, String mentioned) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
        assertThat((String) Json.parse(r.body()).get("message")).contains(mentioned);
    }
}
