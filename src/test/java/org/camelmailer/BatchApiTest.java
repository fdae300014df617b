package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /messages/batch through the running service: valid items queued and mailed, refused ones reported by index. */
class BatchApiTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(), "MAILER_BATCH_MAX", "5"));
    }

    @AfterAll
    static void stop() throws Exception {
        mailer.close();
    }

    private static HttpResponse<String> post(String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(mailer.uri("/messages/batch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return mailer.send(b.build());
    }

    private static Map<String, Object> msg(String to, String subject) {
        return Map.of("to", to, "subject", subject, "text", "Bonjour");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> body = Json.parse(r.body());
        assertThat(body).containsEntry("status", "ok");
        return (List<Map<String, Object>>) body.get("results");
    }

    @Test
    void should_queue_the_valid_messages_and_report_the_refused_by_index() throws Exception {
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 facture".getBytes(StandardCharsets.US_ASCII));
        var r = post(Json.of(Map.of("messages", List.of(
                msg("alice@example.test", "Un"),
                Map.of("to", "pas-une-adresse", "subject", "Deux", "text", "x"),
                Map.of("destinataire", List.of("bob@corp.internal", "Carl <carl@localhost>"), "sujet", "Trois",
                        "message", "y", "attachments", List.of(Map.of("filename", "f.pdf", "content", pdf))),
                List.of("pas un objet")))));

        List<Map<String, Object>> results = results(r);
        assertThat(results).extracting(m -> m.get("index")).containsExactly(0, 1, 2, 3);
        assertThat(results).extracting(m -> m.get("status")).containsExactly("queued", "error", "queued", "error");
        assertThat(results.get(1)).containsEntry("code", 400);
        assertThat((String) results.get(1).get("message")).contains("'to'");
        assertThat((String) results.get(3).get("message")).contains("objet JSON");

        for (int i : new int[] {0, 2}) {
            String id = (String) results.get(i).get("task_id");
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(mailer.outbox().resolve(id + ".eml")));
            Map<String, Object> status = Json.parse(mailer.get("/message/" + id).body());
            assertThat(status).containsEntry("recipients", i == 0 ? 1 : 2);
        }
        String third = Files.readString(mailer.outbox().resolve(results.get(2).get("task_id") + ".eml"));
        assertThat(third).contains("Subject: Trois").contains("filename=f.pdf").contains(pdf);
    }

    @Test
    void should_answer_a_replayed_batch_with_its_first_answer_and_queue_nothing_again() {
        String batch = Json.of(Map.of("messages", List.of(msg("a@example.org", "Idem 1"), msg("b@example.org", "Idem 2"))));
        List<Map<String, Object>> first = results(post(batch, "Idempotency-Key", "lot-42"));
        Long queued = redis.redis().opsForList().size("mailer:queue");
        List<Map<String, Object>> again = results(post(batch, "Idempotency-Key", "lot-42"));

        assertThat(again).isEqualTo(first);
        assertThat(redis.redis().opsForList().size("mailer:queue")).isLessThanOrEqualTo(queued);
        var other = post(Json.of(Map.of("messages", List.of(msg("c@example.org", "Autre")))),
                "Idempotency-Key", "lot-42");
        assertThat(other.statusCode()).isEqualTo(422);
    }

    @Test
    void should_refuse_a_body_that_is_no_batch() {
        List<Map<String, Object>> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(msg("a@example.org", "n" + i));
        }
        Object[][] cases = {
                {"[]", 400, "objet JSON"},
                {"{}", 400, "'messages'"},
                {"{\"messages\": {}}", 400, "'messages'"},
                {"{\"messages\": []}", 400, "au moins un message"},
                {"{\"messages\": [", 400, "JSON valide"},
                {Json.of(Map.of("messages", six)), 413, "MAILER_BATCH_MAX"},
        };
        for (Object[] c : cases) {
            var r = post((String) c[0]);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(c[1]);
            assertThat((String) Json.parse(r.body()).get("message")).contains((String) c[2]);
        }
        var form = mailer.send(HttpRequest.newBuilder(mailer.uri("/messages/batch"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(redis.redis().keys("mailer:task:*")).as("nothing recorded").isEmpty();
    }
}
