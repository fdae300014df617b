package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
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
 * The events of real mails reach a webhook receiver: sent with the server's reply, failed with its error, the refused
 * recipient suppressed from the next message (its own event), all signed; a receiver that is down for a while gets
 * every event once it is back.
 */
class EventWebhooksTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static final String SECRET = "un secret partagé";
    static final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
    static final AtomicBoolean down = new AtomicBoolean();
    static HttpServer receiver;
    static FaultySmtpServer smtp;
    static RunningMailer mailer;

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (down.get()) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            Map<String, Object> event = new LinkedHashMap<>(Json.parse(new String(body, StandardCharsets.UTF_8)));
            event.put("signature_ok", sign(id + "." + timestamp + ".", body)
                    .equals(exchange.getRequestHeaders().getFirst("webhook-signature")));
            received.add(event);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        smtp = new FaultySmtpServer();
        smtp.replyAlways("gone@example.org", 550);
        mailer = RunningMailer.start(new MailerEnv().redis(redis.url()).smtp(smtp.port())
                .sender("mailer@corp.internal")
                .with("MAILER_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                .with("MAILER_WEBHOOK_SECRET", SECRET)
                .with("MAILER_WEBHOOK_EVENTS", "sent,failed,suppressed")
                .fastRetries().toMap());
    }

    @AfterAll
    static void stop() throws Exception {
        mailer.close();
        smtp.close();
        receiver.stop(0);
    }

    static String sign(String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }

    static List<Map<String, Object>> about(String taskId) {
        return received.stream().filter(e -> taskId.equals(data(e).get("task_id"))).toList();
    }

    @Test
    void should_tell_sent_failed_and_suppressed_with_what_explains_each() {
        String sent = mailer.accept(Map.of("to", List.of("alice@example.org", "bob@example.org"), "subject", "Bonjour",
                "text", "x", "tags", List.of("promo"), "metadata", Map.of("client", "42")));
        await().atMost(Duration.ofSeconds(15)).until(() -> about(sent).size() == 1);
        Map<String, Object> event = about(sent).get(0);
        assertThat(event).containsEntry("type", "message.sent").containsEntry("signature_ok", true);
        assertThat(data(event)).containsEntry("status", "sent").containsEntry("recipients", 2)
                .containsEntry("attempt", 1).containsEntry("sequence", 3).containsEntry("tags", List.of("promo"))
                .containsEntry("metadata", Map.of("client", "42"));
        assertThat((String) data(event).get("smtp_reply")).startsWith("250");

        String failed = mailer.accept(Map.of("to", "gone@example.org", "subject", "Perdu", "text", "x"));
        await().atMost(Duration.ofSeconds(15)).until(() -> about(failed).size() == 1);
        assertThat(about(failed).get(0)).containsEntry("type", "message.failed").containsEntry("signature_ok", true);
        assertThat((String) data(about(failed).get(0)).get("error")).contains("550");

        // the refused address is now suppressed: left out of the next message, which says so
        await().atMost(Duration.ofSeconds(5)).until(() -> mailer.get("/admin/suppressions").body()
                .contains("gone@example.org"));
        String partly = mailer.accept(Map.of("to", List.of("gone@example.org", "carol@example.org"),
                "subject", "Encore", "text", "x"));
        await().atMost(Duration.ofSeconds(15)).until(() -> about(partly).size() == 2);
        assertThat(about(partly)).extracting(e -> e.get("type"))
                .containsExactlyInAnyOrder("message.suppressed", "message.sent");
        Map<String, Object> suppressed = about(partly).stream()
                .filter(e -> "message.suppressed".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat(data(suppressed)).containsEntry("recipients", 1).containsEntry("suppressed", List.of("gone@example.org"));
        assertThat(smtp.deliveries().stream().filter(d -> d.taskId().equals(partly)).findFirst().orElseThrow()
                .recipients()).containsExactly("carol@example.org");
        assertThat(Json.parse(mailer.get("/message/" + partly + "/events").body()).toString())
                .contains("suppressed", "gone@example.org");

        var refused = mailer.postJson(Json.of(Map.of("to", "GONE@example.org", "subject", "Non", "text", "x")));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat((String) Json.parse(refused.body()).get("message")).contains("GONE@example.org");
        var batch = mailer.send(java.net.http.HttpRequest.newBuilder(mailer.uri("/messages/batch"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        Json.of(Map.of("messages", List.of(Map.of("to", "gone@example.org", "subject", "s", "text", "t"),
                                Map.of("to", List.of("gone@example.org", "dan@example.org"), "subject", "s",
                                        "text", "t")))))).build());
        assertThat(batch.body()).contains("\"code\":422").contains("\"status\":\"queued\"");
    }

    @Test
    void should_deliver_every_event_once_a_receiver_that_was_down_is_back() {
        down.set(true);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(mailer.accept(Map.of("to", "eve" + i + "@example.org", "subject", "Pendant la panne",
                    "text", "x")));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> ids.stream().allMatch(id -> "sent".equals(
                mailer.status(id).get("status"))));
        assertThat(ids.stream().flatMap(id -> about(id).stream())).isEmpty();
        down.set(false);

        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> about(id).size() == 1));
        assertThat(ids.stream().map(id -> about(id).get(0))).allSatisfy(e ->
                assertThat(e).containsEntry("type", "message.sent").containsEntry("signature_ok", true));
    }
}
