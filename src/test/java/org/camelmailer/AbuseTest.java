package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client reaching past what it may: HTTP headers, query parameters and extra JSON fields that would reconfigure
 * the SMTP session, add recipients or headers, or redirect the Redis push if they leaked into the exchange; and
 * CORS preflights from listed and unlisted origins. Real Redis, GreenMail, plus a decoy SMTP server that only a
 * leaked {@code mail.smtp.host}/{@code mail.smtp.port} could reach.
 */
class AbuseTest {

    static final String ALLOWED_ORIGIN = "http://allowed.test:1234";
    static final String SUBJECT = "Réunion de suivi";

    static GreenMail smtp;
    static GreenMail decoy;
    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        decoy = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        decoy.start();
        mailer = RunningMailer.onOwnRedis(Map.of("SMTP_SERVER", "127.0.0.1",
                "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "SMTP_SECURITY", "none",
                "SENDER_EMAIL", "noreply@example.org", "CORS_ORIGINS", ALLOWED_ORIGIN));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
        decoy.stop();
        smtp.stop();
    }

    @BeforeEach
    void clean() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    static String validBody() {
        return Json.of(Map.of("destinataire", "alice@example.org", "sujet", SUBJECT, "message", "Bonjour Alice"));
    }

    /** Headers that would widen the audience, rewrite the mail, reconfigure JavaMail or redirect Camel producers. */
    static List<String> smugglingHeaders() {
        return List.of(
                "mail.smtp.host", "127.0.0.1",
                "mail.smtp.port", Integer.toString(decoy.getSmtp().getPort()),
                "mail.smtp.from", "evil@evil.test",
                "mail.smtp.auth", "false",
                "Bcc", "spy@evil.test",
                "Cc", "spy-cc@evil.test",
                "To", "spy-to@evil.test",
                "From", "evil@evil.test",
                "Reply-To", "evil@evil.test",
                "Subject", "owned by evil.test",
                "Message-ID", "<forged@evil.test>",
                "X-Mailer", "evil.test mailer",
                "CamelHttpUri", "http://127.0.0.1:1/",
                "CamelHttpMethod", "DELETE",
                "CamelRedis.Key", "other",
                "CamelRedis.Value", "evil.test value",
                "CamelRedis.Command", "SET",
                "CamelFileName", "../../evil.test.eml",
                "CamelMailMessageId", "forged@evil.test",
                "task_id", "00000000-0000-0000-0000-000000000000");
    }

    @Test
    void should_ignore_smuggled_http_headers_query_parameters_and_json_fields() throws Exception {
        List<String> headers = smugglingHeaders();
        List<String> taskIds = new ArrayList<>();

        // 1. as HTTP headers
        HttpResponse<String> viaHeaders = mailer.postJson(validBody(), headers.toArray(String[]::new));
        taskIds.add(accepted(viaHeaders));
        for (int i = 0; i < headers.size(); i += 2) {
            assertThat(viaHeaders.headers().firstValue(headers.get(i))).as("echoed %s", headers.get(i)).isEmpty();
        }

        // 2. as query parameters (platform-http turns them into headers too)
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < headers.size(); i += 2) {
            query.append(query.length() == 0 ? "?" : "&").append(encode(headers.get(i))).append('=')
                    .append(encode(headers.get(i + 1)));
        }
        taskIds.add(accepted(mailer.send(HttpRequest.newBuilder(mailer.uri("/message" + query)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(validBody())).build())));

        // 3. as extra JSON fields next to the real ones
        Map<String, Object> body = new LinkedHashMap<>(Json.parse(validBody()));
        for (int i = 0; i < headers.size(); i += 2) {
            body.put(headers.get(i), headers.get(i + 1));
        }
        // (bcc and headers are message fields now: MessageApiTest; field names are case-sensitive, so "Bcc" is none)
        body.put("task_id", "00000000-0000-0000-0000-000000000000");
        taskIds.add(accepted(mailer.postJson(Json.of(body))));

        assertThat(taskIds).doesNotHaveDuplicates().doesNotContain("00000000-0000-0000-0000-000000000000");
        for (String taskId : taskIds) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(status(taskId).get("status")));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> mailer.redis().opsForZSet().zCard("mailer:queue:inflight") == 0);

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).as("one message per task, to one recipient each").hasSize(3);
        assertThat(smtp.getReceivedMessagesForDomain("evil.test")).isEmpty();
        assertThat(decoy.getReceivedMessages()).as("a leaked mail.smtp.host/port would deliver here").isEmpty();
        for (MimeMessage mail : received) {
            assertThat(Arrays.stream(mail.getAllRecipients()).map(a -> ((InternetAddress) a).getAddress()))
                    .containsExactly("alice@example.org");
            assertThat(mail.getRecipients(Message.RecipientType.CC)).isNull();
            assertThat(mail.getRecipients(Message.RecipientType.BCC)).isNull();
            assertThat(mail.getHeader("Bcc")).isNull();
            assertThat(mail.getHeader("Cc")).isNull();
            assertThat(mail.getHeader("Reply-To")).isNull();
            assertThat(mail.getHeader("X-Mailer")).isNull();
            assertThat(mail.getSubject()).isEqualTo(SUBJECT);
            assertThat(mail.getFrom()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly("noreply@example.org");
            assertThat(mail.getMessageID()).matches("<[0-9a-f-]{36}@example\\.org>");
            assertThat(raw(mail)).doesNotContain("evil").doesNotContain("owned").doesNotContain("forged");
        }
        assertThat(Arrays.stream(received).map(AbuseTest::messageId))
                .containsExactlyInAnyOrderElementsOf(taskIds.stream().map(id -> "<" + id + "@example.org>").toList());

        Set<String> keys = new TreeSet<>(mailer.redis().keys("*"));
        assertThat(keys).doesNotContain("other", "mailer:task:00000000-0000-0000-0000-000000000000")
                .allMatch(k -> k.startsWith("mailer:task:") || k.startsWith("mailer:queue")
                        || k.startsWith("mailer:index:") || k.startsWith("mailer:stats:"), "only the service's own keys");
        assertThat(keys.stream().filter(k -> k.startsWith("mailer:task:") && !k.endsWith(":events")))
                .containsExactlyInAnyOrderElementsOf(taskIds.stream().map(id -> "mailer:task:" + id).toList());
    }

    @Test
    void should_answer_a_preflight_from_the_listed_origin() {
        HttpResponse<String> r = preflight(ALLOWED_ORIGIN);

        assertThat(r.statusCode()).isBetween(200, 204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(v -> assertThat(v.toLowerCase()).contains("content-type"));
    }

    @ParameterizedTest(name = "Origin: {0}")
    @ValueSource(strings = {"http://evil.test", "null", "http://allowed.test:12345", "http://allowed.test",
            "https://allowed.test:1234", "http://allowed.test:1234.evil.test", "http://sub.allowed.test:1234",
            "http://evil.test/http://allowed.test:1234", "http://127.0.0.1:1234"})
    void should_give_no_allow_origin_to_a_preflight_from_an_unlisted_origin(String origin) {
        HttpResponse<String> r = preflight(origin);

        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void should_add_the_allow_origin_to_a_real_request_from_the_listed_origin_only() {
        HttpResponse<String> allowed = mailer.postJson(validBody(), "Origin", ALLOWED_ORIGIN);
        assertThat(allowed.statusCode()).isEqualTo(202);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);

        int tasks = mailer.redis().keys("mailer:task:*").size();
        HttpResponse<String> evil = mailer.postJson(validBody(), "Origin", "http://evil.test");
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(evil.statusCode()).as("the origin is refused before the route").isEqualTo(403);
        assertThat(mailer.redis().keys("mailer:task:*")).as("nothing queued").hasSize(tasks);
    }

    @Test
    void should_refuse_a_request_from_an_unlisted_origin_with_a_json_error() {
        HttpResponse<String> evil = mailer.postJson(validBody(), "Origin", "http://evil.test");

        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.parse(evil.body())).containsEntry("status", "error").containsKey("message");
    }

    static HttpResponse<String> preflight(String origin) {
        return mailer.send(HttpRequest.newBuilder(mailer.uri("/message"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build());
    }

    static String accepted(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        Map<String, Object> body = Json.parse(r.body());
        assertThat(body).containsOnlyKeys("status", "message", "task_id");
        return (String) body.get("task_id");
    }

    static Map<String, Object> status(String taskId) {
        return Json.parse(mailer.get("/message/" + taskId).body());
    }

    static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String raw(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
