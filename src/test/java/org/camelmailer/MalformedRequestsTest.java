package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.camelmailer.support.Json;
import org.camelmailer.support.MalformedRequests;
import org.camelmailer.support.MalformedRequests.Case;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input thrown at the running service (real Redis, GreenMail, default 256 KiB body limit): every malformed
 * POST /message gets a 4xx JSON error without a stack trace, nothing reaches Redis or SMTP, and a valid request
 * afterwards is still accepted and delivered.
 */
class MalformedRequestsTest {

    /** Another seed: {@code mvn test -Dtest=MalformedRequestsTest -Dfuzz.seed=42}. */
    static final long SEED = Long.getLong("fuzz.seed", 0x5EEDL);
    static final int GENERATED = 3_000;

    static GreenMail smtp;
    static RunningMailer mailer;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static final String[] SMUGGLED_HEADERS = {"mail.smtp.host", "127.0.0.1", "mail.smtp.port", "1",
            "Bcc", "spy@evil.test", "Cc", "spy@evil.test", "CamelHttpUri", "http://127.0.0.1:1/",
            "CamelRedis.Key", "other", "CamelRedis.Command", "SET", "task_id", "smuggled"};

    @BeforeAll
    static void start() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        mailer = RunningMailer.onOwnRedis(Map.of("SMTP_SERVER", "127.0.0.1",
                "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "SMTP_SECURITY", "none",
                "SENDER_EMAIL", "noreply@example.org"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
        smtp.stop();
    }

    static Stream<Case> table() {
        return MalformedRequests.table().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void should_refuse_each_classic_malformed_request(Case c) {
        String before = redisState();
        int mails = smtp.getReceivedMessages().length;

        List<String> problems = check(c, send(c.contentType(), HttpRequest.BodyPublishers.ofByteArray(c.body())));

        assertThat(problems).isEmpty();
        assertThat(redisState()).as("nothing queued").isEqualTo(before);
        assertThat(smtp.getReceivedMessages()).as("nothing mailed").hasSize(mails);
    }

    @Test
    void should_refuse_a_few_thousand_generated_malformed_requests_and_keep_serving() {
        String before = redisState();
        int mails = smtp.getReceivedMessages().length;
        long started = System.nanoTime();

        List<String> problems = new ArrayList<>();
        List<Case> cases = MalformedRequests.generated(SEED, GENERATED);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            // every fifth one also carries headers that must never reach the SMTP session or the Redis push
            String[] headers = i % 5 == 0 ? SMUGGLED_HEADERS : new String[0];
            problems.addAll(check(c, send(c.contentType(), HttpRequest.BodyPublishers.ofByteArray(c.body()), headers)));
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the barrage stays quick").isLessThan(Duration.ofSeconds(45));
        assertThat(problems.stream().limit(20).toList())
                .as("seed %d: %d problems, the first ones", SEED, problems.size()).isEmpty();
        assertThat(redisState()).as("nothing queued").isEqualTo(before);
        assertThat(smtp.getReceivedMessages()).as("nothing mailed").hasSize(mails);
        assertStillServing("après le barrage");
    }

    @Test
    void should_answer_413_json_to_bodies_over_the_default_limit_and_keep_serving() throws Exception {
        String before = redisState();
        byte[] justOver = paddedValidBody(262_144 + 1);
        byte[] tenMegabytes = paddedValidBody(10 * 1024 * 1024);
        assertThat(justOver).hasSize(262_145);

        List<String> problems = new ArrayList<>();
        problems.addAll(check(new Case("256 KiB + 1", MalformedRequests.JSON, justOver, 413),
                send(MalformedRequests.JSON, HttpRequest.BodyPublishers.ofByteArray(justOver))));
        problems.addAll(check(new Case("10 MB with Content-Length", MalformedRequests.JSON, tenMegabytes, 413),
                send(MalformedRequests.JSON, HttpRequest.BodyPublishers.ofByteArray(tenMegabytes))));
        problems.addAll(check(new Case("10 MB chunked", MalformedRequests.JSON, tenMegabytes, 413),
                send(MalformedRequests.JSON, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tenMegabytes)))));

        assertThat(problems).isEmpty();
        assertThat(redisState()).as("nothing queued").isEqualTo(before);
        assertStillServing("après 10 Mo");
        // a body of exactly the limit is read, and here accepted: the padding is in the message
        assertDelivered(send(MalformedRequests.JSON, HttpRequest.BodyPublishers.ofByteArray(paddedValidBody(262_144))), "Gros");
    }

    @Test
    void should_refuse_invalid_utf8_with_400() {
        String before = redisState();
        int mails = smtp.getReceivedMessages().length;
        String valid = Json.of(MalformedRequests.valid());
        List<byte[]> bodies = List.of(
                valid.getBytes(StandardCharsets.ISO_8859_1),                        // Latin-1 é in "Réunion"
                splice(valid, "Bonjour Alice", new byte[] {(byte) 0xFF}),          // never valid in UTF-8
                splice(valid, "Bonjour Alice", new byte[] {(byte) 0xC3, 0x28}),    // bad continuation byte
                splice(valid, "Bonjour Alice", new byte[] {(byte) 0xC0, (byte) 0xAF}), // overlong '/'
                splice(valid, "Bonjour Alice", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}), // UTF-16 surrogate
                splice(valid, "Bonjour Alice", new byte[] {(byte) 0xE2, (byte) 0x82})); // truncated sequence
        List<String> problems = new ArrayList<>();
        for (byte[] body : bodies) {
            problems.addAll(check(new Case("invalid UTF-8", MalformedRequests.JSON, body, 400),
                    send(MalformedRequests.JSON, HttpRequest.BodyPublishers.ofByteArray(body))));
        }
        assertThat(problems).isEmpty();
        assertThat(redisState()).as("nothing queued").isEqualTo(before);
        assertThat(smtp.getReceivedMessages()).hasSize(mails);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"élodie@example.org", "alice@exämple.org", "a\u200Bb@example.org", "alice\u202Egro.elpmaxe@example.org",
            "\uFEFFalice@example.org", "ａlice@example.org"})
    void should_refuse_or_carry_in_ascii_a_recipient_with_non_ascii_characters(String to) {
        HttpResponse<String> r = mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", "Adresse " + to.hashCode(),
                "message", "Bonjour")));
        if (r.statusCode() == 400) {
            assertThat(check(new Case(to, MalformedRequests.JSON, new byte[0], 400), r)).isEmpty();
            return;
        }
        assertThat(r.statusCode()).isEqualTo(202);
        String taskId = (String) Json.parse(r.body()).get("task_id");
        await().atMost(Duration.ofSeconds(20)).until(() -> !Json.parse(mailer.get("/message/" + taskId).body())
                .get("status").toString().matches("queued|processing"));
        MimeMessage mail = Arrays.stream(smtp.getReceivedMessages()).filter(m -> subjectOf(m).equals("Adresse " + to.hashCode()))
                .findFirst().orElseThrow(() -> new AssertionError("accepted but not delivered: " + mailer.get("/message/" + taskId).body()));
        String header = toHeader(mail);
        assertThat(header.chars().allMatch(c -> c < 128)).as("To: %s sent as 8-bit without SMTPUTF8", header).isTrue();
    }

    static String toHeader(MimeMessage m) {
        try {
            return m.getHeader("To", ",");
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "GET /message/{0}")
    @ValueSource(strings = {"no-such-task", "%00", "a%0d%0aSet-Cookie:%20x=1", "..%2F..%2Fadmin%2Fdead-letters",
            "mailer:queue", "*", "%FF%FE", "%E2%80%AE", "00000000-0000-0000-0000-000000000000%20",
            "%7Btask_id%7D", "$%7Bjndi:ldap:%2F%2F127.0.0.1:1%2Fx%7D", "%24%7Bheader.CamelRedis.Key%7D"})
    void should_answer_a_json_404_to_odd_task_ids(String id) {
        HttpResponse<String> r = mailer.get("/message/" + id);

        assertThat(check(new Case("GET " + id, null, new byte[0], 404), r)).isEmpty();
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void should_answer_a_json_404_to_a_task_id_of_1000_characters() {
        HttpResponse<String> r = mailer.get("/message/" + "a".repeat(1_000));

        assertThat(check(new Case("GET a x 1000", null, new byte[0], 404), r)).isEmpty();
        assertThat(r.body()).as("the echoed id is cut short").hasSizeLessThan(200);
    }

    /** Problems with one answer; empty when it is the refusal the case expects. */
    static List<String> check(Case c, HttpResponse<String> r) {
        List<String> problems = new ArrayList<>();
        String body = r.body();
        if (r.statusCode() != c.expected()) {
            problems.add(r.statusCode() + " instead of " + c.expected() + " for " + c + " -> " + body);
        }
        if (r.statusCode() < 400 || r.statusCode() > 499) {
            return problems;
        }
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            problems.add("not JSON (" + r.headers().firstValue("Content-Type").orElse("no Content-Type") + ") for " + c);
        }
        Map<String, Object> json;
        try {
            json = Json.parse(body);
        } catch (IllegalArgumentException e) {
            problems.add("unparsable answer for " + c + ": " + body);
            return problems;
        }
        if (!"error".equals(json.get("status")) || !(json.get("message") instanceof String m) || m.isBlank()
                || json.size() != 2) {
            problems.add("not {status:error, message} for " + c + ": " + body);
        }
        for (String leak : List.of("Exception", "at org.", "at java.", "\tat ", "Caused by", "com.fasterxml",
                "org.apache", "org.camelmailer", "Jackson", "line: ", "column: ")) {
            if (body.contains(leak)) {
                problems.add("internals ('" + leak + "') in the answer for " + c + ": " + body);
            }
        }
        return problems;
    }

    static HttpResponse<String> send(String contentType, HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(mailer.uri("/message")).timeout(Duration.ofSeconds(20))
                .POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("no HTTP answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every key with its type and size, and the whole queue list: what a queued task would change. */
    static String redisState() {
        var template = mailer.redis();
        StringBuilder state = new StringBuilder();
        for (String key : new TreeSet<>(template.keys("*"))) {
            state.append(key).append(' ').append(template.type(key)).append('\n');
        }
        state.append("queue=").append(template.opsForList().range("mailer:queue", 0, -1));
        return state.toString();
    }

    /** A valid request is accepted, delivered once, and the queue is empty again. */
    static void assertStillServing(String subject) {
        assertDelivered(mailer.postJson(Json.of(Map.of("destinataire", "alice@example.org", "sujet", subject,
                "message", "Toujours là"))), subject);
    }

    static void assertDelivered(HttpResponse<String> r, String subject) {
        assertThat(r.statusCode()).isEqualTo(202);
        String taskId = (String) Json.parse(r.body()).get("task_id");
        await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(Json.parse(mailer.get("/message/" + taskId).body())
                .get("status")));
        assertThat(Arrays.stream(smtp.getReceivedMessages()).filter(m -> subjectOf(m).equals(subject))).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> mailer.redis().opsForZSet().zCard("mailer:queue:inflight") == 0);
    }

    static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid body whose message is padded so the whole body is exactly {@code size} bytes. */
    static byte[] paddedValidBody(int size) {
        String empty = Json.of(Map.of("destinataire", "alice@example.org", "sujet", "Gros", "message", ""));
        return (empty.replace("\"message\":\"\"", "\"message\":\"" + "x".repeat(size - empty.length()) + "\""))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON text with {@code bytes} put in the middle of {@code inside}, a string value. */
    static byte[] splice(String json, String inside, byte[] bytes) {
        int at = json.indexOf(inside) + inside.length() / 2;
        byte[] head = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = json.substring(at).getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + bytes.length + tail.length);
        System.arraycopy(bytes, 0, all, head.length, bytes.length);
        System.arraycopy(tail, 0, all, head.length + bytes.length, tail.length);
        return all;
    }
}
