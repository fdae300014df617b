package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scheduled sending through the running service to a real SMTP server: a send_at is kept to (not before, and within a
 * second after), a cancelled task is never sent, a rescheduled one goes at its new time only; the errors of DELETE and
 * PATCH; batch items with send_at; all behind MAILER_API_KEY.
 */
class ScheduledSendingTest {

    private static final String KEY = "clé-de-test";

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static FaultySmtpServer smtp;
    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        smtp = new FaultySmtpServer();
        mailer = RunningMailer.start(new MailerEnv().redis(redis.url()).smtp(smtp.port())
                .sender("mailer@corp.internal")
                .with("MAILER_API_KEY", KEY)
                .with("MAILER_MAX_SCHEDULE_AHEAD", "1h").toMap());
    }

    @AfterAll
    static void stop() throws Exception {
        mailer.close();
        smtp.close();
    }

    private static HttpResponse<String> request(String method, String path, String json, boolean withKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(mailer.uri(path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (withKey) {
            b.header("X-API-Key", KEY);
        }
        return mailer.send(b.build());
    }

    private static HttpResponse<String> request(String method, String path, String json) {
        return request(method, path, json, true);
    }

    private static Map<String, Object> message(String to, Object sendAt) {
        Map<String, Object> m = Json.object("to", to, "subject", "Plus tard", "text", "Bonjour");
        if (sendAt != null) {
            m.put("send_at", sendAt);
        }
        return m;
    }

    private static String scheduled(String to, Object sendAt) {
        var r = request("POST", "/message", Json.of(message(to, sendAt)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        Map<String, Object> body = Json.parse(r.body());
        assertThat(body).containsEntry("status", "scheduled").containsKey("send_at");
        return (String) body.get("task_id");
    }

    private static Map<String, Object> status(String taskId) {
        return mailer.status(taskId, "X-API-Key", KEY);
    }

    private static boolean delivered(String taskId) {
        return smtp.deliveries().stream().anyMatch(d -> d.taskId().equals(taskId));
    }

    private static long deliveredAtNanos(String taskId) {
        return smtp.deliveries().stream().filter(d -> d.taskId().equals(taskId)).findFirst().orElseThrow().nanoTime();
    }

    @Test
    void should_send_a_scheduled_message_at_its_time_and_not_before() {
        Instant due = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        long dueNanos = System.nanoTime() + Duration.between(Instant.now(), due).toNanos();
        String id = scheduled("alice@example.org", due.toString());

        Map<String, Object> record = status(id);
        assertThat(record).containsEntry("status", "scheduled").containsEntry("send_at", due.toString());
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofMillis(2800)).until(() -> !delivered(id));

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(id));
        long late = deliveredAtNanos(id) - dueNanos;
        assertThat(late).as("delivered %d ms after send_at", late / 1_000_000)
                .isBetween(0L, Duration.ofSeconds(1).toNanos());
        mailer.awaitStatus(id, "sent", Duration.ofSeconds(5), "X-API-Key", KEY);
        var events = Json.parse(request("GET", "/message/" + id + "/events", null).body());
        assertThat(((List<?>) events.get("events")).stream().map(e -> (Object) ((Map<?, ?>) e).get("event")).toList())
                .containsExactly("scheduled", "processing", "sent");
    }

    @Test
    void should_never_send_a_cancelled_message() {
        String id = scheduled("bob@example.org", Instant.now().plusSeconds(2).getEpochSecond() + 1);
        var search = Json.parse(request("GET", "/messages?status=scheduled", null).body());
        assertThat(((List<?>) search.get("messages")).stream().map(m -> (Object) ((Map<?, ?>) m).get("task_id")).toList())
                .contains(id);

        var r = request("DELETE", "/message/" + id, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.parse(r.body())).isEqualTo(Map.of("task_id", id, "status", "cancelled"));
        var again = request("DELETE", "/message/" + id, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Json.parse(again.body())).containsEntry("status", "error");
        assertThat((String) Json.parse(again.body()).get("message")).contains("cancelled");
        // past its time, and a claim has come by: acknowledged, not sent
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> !delivered(id));
        assertThat(status(id)).containsEntry("status", "cancelled");
        assertThat(redis.redis().opsForZSet().zCard("mailer:queue:delayed")).isZero();
        var patch = request("PATCH", "/message/" + id, "{\"send_at\":\"" + Instant.now().plusSeconds(5) + "\"}");
        assertThat(patch.statusCode()).isEqualTo(409);
    }

    @Test
    void should_cancel_a_queued_message_before_a_worker_has_it() throws Exception {
        // suspended workers: the task stays queued
        mailer.context().getRouteController().suspendRoute("worker-take-task");
        try {
            var r = request("POST", "/message", Json.of(message("carol@example.org", null)));
            String id = (String) Json.parse(r.body()).get("task_id");
            assertThat(request("DELETE", "/message/" + id, null).statusCode()).isEqualTo(200);
            mailer.context().getRouteController().resumeRoute("worker-take-task");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.redis().opsForList().size("mailer:queue") == 0
                            && redis.redis().opsForZSet().zCard("mailer:queue:inflight") == 0);
            assertThat(delivered(id)).isFalse();
            assertThat(status(id)).containsEntry("status", "cancelled");
        } finally {
            try {
                mailer.context().getRouteController().resumeRoute("worker-take-task");
            } catch (Exception ignored) {
                // resumed already
            }
        }
    }

    @Test
    void should_send_a_rescheduled_message_at_its_new_time_only() {
        String id = scheduled("dave@example.org", Instant.now().plusSeconds(2).toString());
        Instant moved = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.MILLIS);
        long movedNanos = System.nanoTime() + Duration.between(Instant.now(), moved).toNanos();

        var r = request("PATCH", "/message/" + id, "{\"send_at\":\"" + moved + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.parse(r.body())).isEqualTo(Map.of("task_id", id, "status", "scheduled",
                "send_at", moved.toString()));
        assertThat(status(id)).containsEntry("send_at", moved.toString());
        await().during(Duration.ofMillis(3300)).atMost(Duration.ofMillis(3600)).until(() -> !delivered(id));
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(id));
        long late = deliveredAtNanos(id) - movedNanos;
        assertThat(late).as("delivered %d ms after the new send_at", late / 1_000_000)
                .isBetween(0L, Duration.ofSeconds(1).toNanos());
        mailer.awaitStatus(id, "sent", Duration.ofSeconds(5), "X-API-Key", KEY);
        assertThat(smtp.countsByTaskId().get(id)).isEqualTo(1L);
        // sent: neither cancelled nor moved any more
        assertThat(request("PATCH", "/message/" + id, "{\"send_at\":1}").statusCode()).isEqualTo(409);
        assertThat(request("DELETE", "/message/" + id, null).statusCode()).isEqualTo(409);
    }

    @Test
    void should_send_at_once_a_message_rescheduled_to_now() {
        String id = scheduled("erin@example.org", Instant.now().plusSeconds(1800).getEpochSecond());

        var r = request("PATCH", "/message/" + id, "{\"send_at\":\"" + Instant.now().minusSeconds(60) + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.parse(r.body())).containsEntry("status", "queued");
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(id));
    }

    @Test
    void should_answer_the_errors_of_delete_and_patch() {
        String id = scheduled("frank@example.org", Instant.now().plusSeconds(600).toString());

        assertThat(request("DELETE", "/message/inconnue", null).statusCode()).isEqualTo(404);
        assertThat(request("PATCH", "/message/inconnue", "{\"send_at\":1}").statusCode()).isEqualTo(404);
        assertThat(request("DELETE", "/message/" + id, null, false).statusCode()).isEqualTo(401);
        assertThat(request("PATCH", "/message/" + id, "{\"send_at\":1}", false).statusCode()).isEqualTo(401);
        for (String bad : List.of("{}", "{\"send_at\":\"demain\"}", "{\"send_at\":\"2026-12-24T08:00:00\"}",
                "{\"send_at\":true}", "{\"send_at\":-5}", "{\"send_at\":1,\"subject\":\"x\"}", "[]", "pas du json",
                "{\"send_at\":\"" + Instant.now().plus(Duration.ofHours(2)) + "\"}")) {
            var r = request("PATCH", "/message/" + id, bad);
            assertThat(r.statusCode()).as(bad + " → " + r.body()).isEqualTo(400);
            assertThat(Json.parse(r.body())).containsEntry("status", "error");
        }
        var tooFar = request("PATCH", "/message/" + id, "{\"send_at\":\"" + Instant.now().plus(Duration.ofHours(2)) + "\"}");
        assertThat((String) Json.parse(tooFar.body()).get("message")).contains("send_at", "MAILER_MAX_SCHEDULE_AHEAD");
        var text = mailer.send(HttpRequest.newBuilder(mailer.uri("/message/" + id)).header("X-API-Key", KEY)
                .header("Content-Type", "text/plain").method("PATCH", HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(status(id)).containsEntry("status", "scheduled");
    }

    @Test
    void should_refuse_a_send_at_that_is_malformed_or_too_far_ahead() {
        for (Object bad : List.of("demain", "2026-12-24", "2026-12-24T08:00:00", Map.of("at", 1), -1,
                Instant.now().plus(Duration.ofHours(2)).toString(), Instant.now().plus(Duration.ofHours(2)).getEpochSecond())) {
            var r = request("POST", "/message", Json.of(message("gina@example.org", bad)));
            assertThat(r.statusCode()).as(bad + " → " + r.body()).isEqualTo(400);
            assertThat((String) Json.parse(r.body()).get("message")).contains("send_at");
        }
        // now or past: at once, as without it
        var past = request("POST", "/message", Json.of(message("hugo@example.org", "2020-01-01T00:00:00+01:00")));
        assertThat(past.statusCode()).isEqualTo(202);
        assertThat(Json.parse(past.body())).containsEntry("status", "queued").doesNotContainKey("send_at");
        String id = (String) Json.parse(past.body()).get("task_id");
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(id));
    }

    @Test
    void should_schedule_the_batch_items_with_a_send_at() {
        Instant due = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        var r = request("POST", "/messages/batch", Json.of(Map.of("messages", List.of(
                message("ines@example.org", due.toString()), message("jules@example.org", null),
                message("karl@example.org", "bientôt")))));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) Json.parse(r.body()).get("results");
        assertThat(results.get(0)).containsEntry("status", "scheduled").containsEntry("send_at", due.toString());
        assertThat(results.get(1)).containsEntry("status", "queued");
        assertThat(results.get(2)).containsEntry("status", "error").containsEntry("code", 400);
        String later = (String) results.get(0).get("task_id");
        String now = (String) results.get(1).get("task_id");
        await().atMost(Duration.ofSeconds(3)).until(() -> delivered(now));
        assertThat(delivered(later)).isFalse();
        assertThat(status(later)).containsEntry("status", "scheduled");
        await().atMost(Duration.ofSeconds(4)).until(() -> delivered(later));
        assertThat(Instant.now()).isAfterOrEqualTo(due);
    }
}
