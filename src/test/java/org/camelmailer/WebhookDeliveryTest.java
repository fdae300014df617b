package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.support.RunningMailer;
import org.camelmailer.webhook.WebhookJobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhook delivery through the running service, to real HTTP receivers (the JDK's server): jobs are pushed as the
 * event recording pushes them (WebhookJobs), and each request is checked as a receiver would check it.
 */
class WebhookDeliveryTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final String KEY = "ops-key-webhooks";
    private static final byte[] SECRET_KEY = new byte[32];
    private static final String SECRET;

    static {
        new SecureRandom().nextBytes(SECRET_KEY);
        SECRET = "whsec_" + Base64.getEncoder().encodeToString(SECRET_KEY);
    }

    /** One request as the receiver saw it. */
    record Received(String path, Map<String, List<String>> headers, byte[] body, int answered) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }
    }

    static HttpServer receiver;
    static HttpServer late;
    static final int LATE_PORT = FreePort.find();
    static final List<Received> received = new CopyOnWriteArrayList<>();
    /** Per path, the statuses to answer before 200 (or forever while -1 stays at the head). */
    static final Map<String, List<Integer>> failures = new ConcurrentHashMap<>();
    static RunningMailer mailer;
    static List<String> urls;

    @BeforeAll
    static void start() throws IOException {
        receiver = server(0);
        int port = receiver.getAddress().getPort();
        urls = List.of("http://127.0.0.1:" + port + "/ok?token=tok-in-query",
                "http://127.0.0.1:" + port + "/flaky",
                "http://127.0.0.1:" + LATE_PORT + "/late",
                "http://127.0.0.1:" + port + "/broken");
        mailer = RunningMailer.start(new MailerEnv().redis(redis.url())
                .with("MAILER_API_KEY", KEY)
                .with("MAILER_WEBHOOK_URL", String.join(",", urls))
                .with("MAILER_WEBHOOK_SECRET", SECRET)
                .with("MAILER_WEBHOOK_MAX_AGE", "4s")
                .with("MAILER_WEBHOOK_TIMEOUT", "2s")
                .fastRetries().toMap());
    }

    @AfterAll
    static void stop() throws Exception {
        mailer.close();
        receiver.stop(0);
        if (late != null) {
            late.stop(0);
        }
    }

    private static HttpServer server(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            List<Integer> planned = failures.getOrDefault(path, new ArrayList<>());
            int status = planned.isEmpty() ? 200 : planned.get(0) < 0 ? 500 : planned.remove(0);
            received.add(new Received(exchange.getRequestURI().toString(), Map.copyOf(exchange.getRequestHeaders()),
                    body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** The job for receiver number {@code url}, pushed as the event recording pushes it. */
    private static String push(int url, String taskId) {
        Map<String, Object> data = Json.object("task_id", taskId, "status", "sent", "recipients", 2, "attempt", 1,
                "smtp_reply", "250 2.0.0 Ok: queued as ABC", "error", null, "tags", List.of("promo"),
                "metadata", Map.of("client", "Société Générale"), "sequence", 5);
        String job = WebhookJobs.of(String.join(",", urls), "sent,failed").jobs("sent", Instant.now(), data).get(url);
        redis.redis().opsForList().leftPush(WebhookJobs.QUEUE, job);
        return (String) Json.parse(job).get("webhook_id");
    }

    private static List<Received> to(String path, String webhookId) {
        return received.stream().filter(r -> r.path().startsWith(path) && webhookId.equals(r.header("Webhook-id")))
                .toList();
    }

    /** What a receiver computes, with javax.crypto and nothing of the service. */
    private static String signature(Received r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET_KEY, "HmacSHA256"));
        mac.update((r.header("Webhook-id") + "." + r.header("Webhook-timestamp") + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(r.body()));
    }

    private static HttpResponse<String> admin(String method, String path) {
        return mailer.send(HttpRequest.newBuilder(mailer.uri(path)).header("X-API-Key", KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void should_post_the_signed_event_with_only_the_webhook_headers() throws Exception {
        String id = push(0, "task-ok");

        await().atMost(Duration.ofSeconds(10)).until(() -> !to("/ok", id).isEmpty());
        Received r = to("/ok", id).get(0);
        assertThat(r.path()).isEqualTo("/ok?token=tok-in-query");
        assertThat(r.header("Content-type")).isEqualTo("application/json");
        assertThat(Long.parseLong(r.header("Webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(10L));
        assertThat(r.header("Webhook-signature")).isEqualTo(signature(r));
        // only the webhook headers and the HTTP client's own transport headers
        assertThat(r.headers().keySet()).allSatisfy(h -> assertThat(h.toLowerCase()).isIn("webhook-id",
                "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host", "connection",
                "user-agent", "accept-encoding"));
        Map<String, Object> body = Json.parse(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(body.keySet()).containsExactly("type", "timestamp", "data");
        assertThat(body).containsEntry("type", "message.sent");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) body.get("data");
        assertThat(data).containsEntry("task_id", "task-ok").containsEntry("sequence", 5)
                .containsEntry("metadata", Map.of("client", "Société Générale"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.redis().opsForZSet().zCard(WebhookJobs.QUEUE + ":inflight") == 0);
        assertThat(mailer.get("/observe/metrics").body())
                .contains("mailer_webhooks_deliveries_total{outcome=\"delivered\"")
                .doesNotContain(SECRET).doesNotContain("tok-in-query");
    }

    @Test
    void should_retry_a_receiver_answering_503_and_deliver_once() throws Exception {
        failures.put("/flaky", new ArrayList<>(List.of(503, 503, 503)));
        String id = push(1, "task-flaky");

        await().atMost(Duration.ofSeconds(10)).until(() -> to("/flaky", id).stream().anyMatch(r -> r.answered() == 200));
        List<Received> attempts = to("/flaky", id);
        assertThat(attempts).extracting(Received::answered).containsExactly(503, 503, 503, 200);
        for (Received r : attempts) {
            assertThat(r.header("Webhook-signature")).isEqualTo(signature(r));
        }
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> to("/flaky", id).size() == 4);
        assertThat(mailer.get("/observe/metrics").body()).contains("mailer_webhooks_deliveries_total{outcome=\"retried\"");
    }

    @Test
    void should_deliver_to_a_receiver_that_was_down_once_it_is_up() throws Exception {
        String id = push(2, "task-late");
        // nothing listens there yet: refused twice, each time put back for later
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.redis().opsForZSet()
                .range(WebhookJobs.QUEUE + ":delayed", 0, -1).stream().anyMatch(j -> j.contains("\"attempt\":2")));
        late = server(LATE_PORT);

        await().atMost(Duration.ofSeconds(10)).until(() -> !to("/late", id).isEmpty());
        Received r = to("/late", id).get(0);
        assertThat(r.header("Webhook-signature")).isEqualTo(signature(r));
        assertThat(redis.redis().opsForList().size("mailer:webhooks:dead")).isZero();
    }

    @Test
    void should_dead_letter_past_the_max_age_and_deliver_once_redriven() throws Exception {
        failures.put("/broken", new ArrayList<>(List.of(-1)));
        String id = push(3, "task-broken");
        redis.redis().opsForList().leftPush(WebhookJobs.QUEUE, "not a job");

        await().atMost(Duration.ofSeconds(15)).until(() -> redis.redis().opsForList().size("mailer:webhooks:dead") == 2);
        assertThat(to("/broken", id)).hasSizeGreaterThan(1).allSatisfy(r -> assertThat(r.answered()).isEqualTo(500));
        HttpResponse<String> list = admin("GET", "/admin/webhooks/dead-letters");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(id).contains("HTTP 500").contains("MAILER_WEBHOOK_MAX_AGE")
                .doesNotContain("Société");
        assertThat(mailer.get("/admin/webhooks/dead-letters").statusCode()).isEqualTo(401);

        failures.put("/broken", new ArrayList<>());
        HttpResponse<String> redrive = admin("POST", "/admin/webhooks/dead-letters/redrive");
        assertThat(redrive.statusCode()).isEqualTo(200);
        assertThat(Json.parse(redrive.body())).containsEntry("redriven", List.of(id));

        await().atMost(Duration.ofSeconds(10)).until(() -> to("/broken", id).stream().anyMatch(r -> r.answered() == 200));
        Received ok = to("/broken", id).stream().filter(r -> r.answered() == 200).findFirst().orElseThrow();
        assertThat(ok.header("Webhook-signature")).isEqualTo(signature(ok));
        // the unreadable entry stays: nothing to re-drive
        assertThat(redis.redis().opsForList().size("mailer:webhooks:dead")).isEqualTo(1);
        assertThat(mailer.get("/observe/metrics").body())
                .contains("mailer_webhooks_deliveries_total{outcome=\"dead_lettered\"");
    }
}
