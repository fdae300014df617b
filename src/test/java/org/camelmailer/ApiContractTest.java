package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP contract, answer by answer, through the running application with a real Redis (outbox delivery). */
class ApiContractTest {

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.onOwnRedis(Map.of("MAILER_MAX_BODY_SIZE", "4096"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    static Map<String, Object> message(String destinataire, String sujet, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destinataire", destinataire);
        body.put("sujet", sujet);
        body.put("message", message);
        return body;
    }

    @Test
    void should_answer_health_on_root() {
        HttpResponse<String> r = mailer.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\",\"message\":\"Mailing service is running\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void should_queue_a_valid_message_and_deliver_it_to_the_outbox() throws Exception {
        HttpResponse<String> r = mailer.postJson(Json.of(message("alice@example.org", "Réunion d'été", "Bonjour,\nà jeudi.")));

        assertThat(r.statusCode()).isEqualTo(202);
        Map<String, Object> body = Json.parse(r.body());
        String taskId = (String) body.get("task_id");
        assertThat(taskId).matches("[0-9a-f-]{36}");
        assertThat(r.body()).isEqualTo("{\"status\":\"queued\",\"message\":\"La demande d'envoi d'email a été mise en "
                + "file d'attente.\",\"task_id\":\"" + taskId + "\"}");

        Path eml = mailer.outbox().resolve(taskId + ".eml");
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(eml));
        String raw = Files.readString(eml);
        assertThat(raw).contains("To: alice@example.org").contains("Message-ID: <" + taskId + "@");

        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(taskId).get("status")));
        Map<String, Object> status = status(taskId);
        assertThat(status).containsEntry("task_id", taskId).containsEntry("attempts", 1)
                .containsEntry("enhanced", false).containsEntry("error", null)
                .containsKeys("created_at", "updated_at");
    }

    @Test
    void should_refuse_a_bad_body_with_a_json_error_and_queue_nothing() {
        long before = queuedTasks();
        HttpResponse<String> r = mailer.postJson("{\"destinataire\": \"alice@example.org\", \"sujet\": \"x\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"message\":\"Le champ 'message' est requis.\"}");
        assertThat(queuedTasks()).isEqualTo(before);
    }

    @Test
    void should_refuse_crlf_in_sujet() {
        HttpResponse<String> r = mailer.postJson(Json.of(message("alice@example.org", "Hello\r\nBcc: x@evil.test", "m")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parse(r.body())).containsEntry("status", "error")
                .containsEntry("message", "Le champ 'sujet' ne doit pas contenir de retour à la ligne.");
    }

    @Test
    void should_refuse_malformed_json() {
        HttpResponse<String> r = mailer.postJson("{\"destinataire\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"message\":\"Le corps de la requête n'est pas du JSON valide.\"}");
    }

    @Test
    void should_refuse_a_non_json_content_type_with_415() {
        HttpResponse<String> r = mailer.send(HttpRequest.newBuilder(mailer.uri("/message"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")).build());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
    }

    @Test
    void should_refuse_a_body_over_the_limit_with_413() {
        HttpResponse<String> r = mailer.postJson(Json.of(message("alice@example.org", "big", "x".repeat(10_000))));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
    }

    @Test
    void should_answer_404_json_for_an_unknown_task() {
        HttpResponse<String> r = mailer.get("/message/no-such-task");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
    }

    @Test
    void should_replay_the_same_task_for_the_same_idempotency_key() {
        String body = Json.of(message("bob@example.org", "Facture", "Voici la facture."));
        HttpResponse<String> first = mailer.postJson(body, "Idempotency-Key", "order-42");
        HttpResponse<String> second = mailer.postJson(body, "Idempotency-Key", "order-42");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        String taskId = (String) Json.parse(first.body()).get("task_id");
        await().atMost(Duration.ofSeconds(15)).until(() -> "sent".equals(status(taskId).get("status")));
        try (var files = Files.list(mailer.outbox())) {
            assertThat(files.filter(f -> f.toString().endsWith(".eml")).map(RunningMailerFiles::read)
                    .filter(s -> s.contains("Voici la facture.")).count()).isEqualTo(1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void should_answer_422_for_a_reused_idempotency_key_with_another_body() {
        mailer.postJson(Json.of(message("bob@example.org", "A", "one")), "Idempotency-Key", "key-422");
        HttpResponse<String> r = mailer.postJson(Json.of(message("bob@example.org", "A", "two")), "Idempotency-Key", "key-422");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
    }

    @Test
    void should_answer_a_browser_preflight_with_cors_headers() {
        HttpResponse<String> r = mailer.send(HttpRequest.newBuilder(mailer.uri("/message"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build());
        assertThat(r.statusCode()).isBetween(200, 204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
    }

    private static Map<String, Object> status(String taskId) {
        HttpResponse<String> r = mailer.get("/message/" + taskId);
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private static long queuedTasks() {
        return mailer.redis().keys("mailer:task:*").size();
    }

    /** Reads a file for a stream pipeline. */
    static final class RunningMailerFiles {
        static String read(Path p) {
            try {
                return Files.readString(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
