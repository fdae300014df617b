package org.camelmailer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.JmxDump;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.MalformedRequests;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.support.SecretScan;
import org.camelmailer.support.TlsSmtpServer;
import org.junit.jupiter.api.Test;

/**
 * Canary secrets (Gemini key, SMTP password, API key, Redis password) in the packaged service's configuration, a
 * run through every path, failures included, then a count of each canary in everything that can be read: the
 * process output (all logs), every file the service wrote (Gemini logs, outbox), Redis, every JMX attribute,
 * health, metrics, every HTTP answer, the mails. Each count must be zero.
 */
class SecretsIT {

    static final String GEMINI_KEY = "AIzaCANARY-gemini-7f3e9a";
    static final String SMTP_PASSWORD = "CANARY-smtp-pw-51c2";
    static final String API_KEY = "CANARY-api-key-3b8d";
    static final String REDIS_PASSWORD = "CANARY-redis-pw-8e1f";
    static final List<String> CANARIES = List.of(GEMINI_KEY, SMTP_PASSWORD, API_KEY, REDIS_PASSWORD);
    static final String TEXT = "Bonjour,\n\nVoici le compte rendu :\n- budget validé\n- prochaine réunion jeudi\n\nAlice";

    final SecretScan scan = new SecretScan();

    static Map<String, String> env(RedisServerProcess redis, GeminiStub gemini, int smtpPort, int httpPort) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.url());
        env.put("MAILER_HTTP_PORT", Integer.toString(httpPort));
        env.put("SMTP_SERVER", "localhost");
        env.put("SMTP_PORT", Integer.toString(smtpPort));
        env.put("SMTP_SECURITY", "starttls");
        env.put("SMTP_SSL_TRUST", "*");
        env.put("SMTP_LOGIN", "mailer");
        env.put("SMTP_PASSWORD", SMTP_PASSWORD);
        env.put("SENDER_EMAIL", "noreply@example.org");
        env.put("GEMINI_API_KEY", GEMINI_KEY);
        env.put("GEMINI_BASE_URL", gemini.baseUrl());
        env.put("GEMINI_MODEL", "test-model");
        env.put("GEMINI_TIMEOUT", "1s");
        env.put("GEMINI_MAX_ATTEMPTS", "2");
        env.put("GEMINI_RETRY_DELAY", "50ms");
        env.put("MAILER_API_KEY", API_KEY);
        env.put("MAILER_RETRY_DELAY", "100ms");
        env.put("MAILER_MAX_ATTEMPTS", "2");
        return env;
    }

    @Test
    void should_show_no_secret_anywhere_after_a_run_through_every_path() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess(REDIS_PASSWORD);
             GeminiStub gemini = new GeminiStub();
             TlsSmtpServer smtp = new TlsSmtpServer("mailer", SMTP_PASSWORD, Set.of("rejected@example.org"));
             TlsSmtpServer otherSmtp = new TlsSmtpServer("mailer", "not-the-configured-password", Set.of())) {
            Path dir = MailerProcess.workingDirectory();
            int jmxPort = FreePort.find();
            int port = FreePort.find();
            int geminiLogs;
            try (MailerProcess mailer = MailerProcess.start(dir, env(redis, gemini, smtp.port(), port),
                    JmxDump.jvmOptions(jmxPort), "/")) {
                Api api = new Api(port);

                // Gemini: HTML, invalid key, quota, 503 then a timeout
                gemini.answers(fixture(200, "200-ok.json"));
                assertThat(api.sent(api.accepted("alice@example.org", true))).containsEntry("enhanced", true);
                gemini.answers(fixture(400, "400-api-key-invalid.json"));
                assertThat((String) api.sent(api.accepted("alice@example.org", true)).get("error")).contains("400");
                gemini.answers(fixture(429, "429-resource-exhausted.json"));
                assertThat((String) api.sent(api.accepted("alice@example.org", true)).get("error")).contains("quota");
                gemini.answers(fixture(503, "503-unavailable.json"), fixture(200, "200-ok.json").withFixedDelay(3_000));
                assertThat((String) api.sent(api.accepted("alice@example.org", true)).get("error"))
                        .containsIgnoringCase("timeout").contains("after 2 attempts");
                assertThat(gemini.requests()).allSatisfy(r -> assertThat(r.getHeader("x-goog-api-key")).isEqualTo(GEMINI_KEY));

                // SMTP: a 550 for one recipient, dead-lettered, listed by the admin endpoint
                String rejected = api.accepted("rejected@example.org", false);
                await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(api.status(rejected).get("status")));
                assertThat(api.call("GET", "/admin/dead-letters", null, "X-API-Key", API_KEY).body()).contains(rejected);

                // refused requests: 400, 413, 415, 401, 404, 422
                for (MalformedRequests.Case c : MalformedRequests.table()) {
                    assertThat(api.call("POST", "/message", c, "X-API-Key", API_KEY).statusCode()).isEqualTo(c.expected());
                }
                MalformedRequests.Case tooLarge = new MalformedRequests.Case("too large", MalformedRequests.JSON,
                        new byte[300_000], 413);
                assertThat(api.call("POST", "/message", tooLarge, "X-API-Key", API_KEY).statusCode()).isEqualTo(413);
                for (String[] credentials : List.of(new String[0], new String[] {"X-API-Key", "wrong"},
                        new String[] {"Authorization", "Bearer wrong"}, new String[] {"Authorization", "Bearer " + API_KEY + "x"},
                        new String[] {"X-API-Key", API_KEY.substring(0, API_KEY.length() - 1)},
                        new String[] {"Authorization", "Basic " + API_KEY})) {
                    assertThat(api.call("POST", "/message", valid("alice@example.org", false), credentials).statusCode()).isEqualTo(401);
                    assertThat(api.call("GET", "/message/" + rejected, null, credentials).statusCode()).isEqualTo(401);
                    assertThat(api.call("GET", "/admin/dead-letters", null, credentials).statusCode()).isEqualTo(401);
                    assertThat(api.call("POST", "/admin/dead-letters/redrive", null, credentials).statusCode()).isEqualTo(401);
                }
                assertThat(api.call("GET", "/message/no-such-task", null, "X-API-Key", API_KEY).statusCode()).isEqualTo(404);
                api.call("POST", "/message", valid("alice@example.org", false), "X-API-Key", API_KEY, "Idempotency-Key", "k1");
                assertThat(api.call("POST", "/message", valid("bob@example.org", false), "X-API-Key", API_KEY,
                        "Idempotency-Key", "k1").statusCode()).isEqualTo(422);

                // Redis down: 500 for the client, readiness DOWN, the worker waits; then back
                redis.stop();
                try {
                    assertThat(api.call("POST", "/message", valid("alice@example.org", false), "X-API-Key", API_KEY)
                            .statusCode()).isEqualTo(500);
                    assertThat(api.call("GET", "/observe/health/ready", null).statusCode()).isEqualTo(503);
                    api.call("GET", "/observe/health", null);
                    api.call("GET", "/message/" + rejected, null, "X-API-Key", API_KEY);
                    api.call("GET", "/admin/dead-letters", null, "X-API-Key", API_KEY);
                    await().atMost(Duration.ofSeconds(20)).until(() -> mailer.output().contains("cannot take tasks from Redis"));
                } finally {
                    redis.start();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> mailer.output().contains("Redis answers again"));
                await().atMost(Duration.ofSeconds(20)).until(() -> api.call("GET", "/observe/health/ready", null).statusCode() == 200);
                api.sent(api.accepted("alice@example.org", false));

                // what operators read
                for (String path : List.of("/", "/observe/health", "/observe/health/live", "/observe/health/ready",
                        "/observe/metrics", "/admin/dead-letters")) {
                    api.call("GET", path, null, "X-API-Key", API_KEY);
                }
                assertThat(scan.sizes().get("HTTP answers")).isGreaterThan(10_000);
                try (JmxDump jmx = new JmxDump(jmxPort)) {
                    List<String> attributes = jmx.attributes("*:*");
                    assertThat(attributes).anyMatch(l -> l.contains("worker-take-task"));
                    assertThat(jmx.attributesRead()).isGreaterThan(500);
                    scan.add("JMX attributes", String.join("\n", attributes));
                    scan.add("JMX dump/explain operations", String.join("\n", jmx.informationalOperations("org.apache.camel:*")));
                }
                assertThat(mailer.stop()).as("exit code after SIGTERM").isIn(0, 143);
                scan.add("process output, first run", mailer.output());
            }
            try (var files = Files.walk(dir.resolve("gemini_logs"))) {
                geminiLogs = (int) files.filter(Files::isRegularFile).count();
            }
            assertThat(geminiLogs).as("Gemini log files").isGreaterThanOrEqualTo(5);

            // a wrong SMTP password: 535, the task fails at once
            int port2 = FreePort.find();
            try (MailerProcess mailer = MailerProcess.start(dir, env(redis, gemini, otherSmtp.port(), port2))) {
                Api api = new Api(port2);
                // the refused login pauses delivery: the task waits (retrying), readiness says why
                String refused = api.accepted("alice@example.org", false);
                await().atMost(Duration.ofSeconds(20)).until(() -> "retrying".equals(api.status(refused).get("status")));
                assertThat((String) api.status(refused).get("error")).contains("535");
                assertThat(api.call("GET", "/observe/health/ready", null).body()).contains("535");
                api.call("GET", "/admin/dead-letters", null, "X-API-Key", API_KEY);
                api.call("GET", "/observe/health", null);
                api.call("GET", "/observe/metrics", null);
                assertThat(mailer.stop()).isIn(0, 143);
                scan.add("process output, second run", mailer.output());
            }
            assertThat(otherSmtp.received()).isEmpty();

            // no SMTP server: the (enhanced) mail is written to the outbox
            int port3 = FreePort.find();
            Map<String, String> outboxEnv = env(redis, gemini, 0, port3);
            outboxEnv.remove("SMTP_SERVER");
            outboxEnv.remove("SMTP_PORT");
            gemini.answers(fixture(200, "200-ok.json"));
            try (MailerProcess mailer = MailerProcess.start(dir, outboxEnv)) {
                Api api = new Api(port3);
                String written = api.accepted("alice@example.org", true);
                assertThat(api.sent(written)).containsEntry("enhanced", true);
                assertThat(dir.resolve("outbox").resolve(written + ".eml")).exists();
                api.call("GET", "/observe/health", null);
                assertThat(mailer.stop()).isIn(0, 143);
                scan.add("process output, outbox run", mailer.output());
            }
            assertThat(smtp.received()).hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(m -> assertThat(m.user()).isEqualTo("mailer"));

            scan.addFiles("working directory", dir);
            scan.addRedis("Redis", redis.redis());
            smtp.received().forEach(m -> scan.add("mails received", m.raw()));
            gemini.requests().forEach(r -> scan.add("Gemini request bodies", r.getUrl() + "\n" + r.getBodyAsString()));
        }

        assertThat(scan.sizes()).containsKeys("process output, first run", "process output, second run",
                "process output, outbox run", "JMX attributes",
                "HTTP answers", "Redis", "mails received");
        assertThat(scan.sizes().keySet()).anyMatch(w -> w.startsWith("working directory:gemini_logs/"))
                .anyMatch(w -> w.startsWith("working directory:outbox/"));
        System.out.println("SecretsIT scanned (characters per place): " + scan.sizes());
        assertThat(scan.leaks(CANARIES)).isEmpty();
    }

    @Test
    void should_not_repeat_a_key_that_an_upstream_quotes_back() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess(REDIS_PASSWORD);
             GeminiStub gemini = new GeminiStub();
             TlsSmtpServer smtp = new TlsSmtpServer("mailer", SMTP_PASSWORD, Set.of())) {
            Path dir = MailerProcess.workingDirectory();
            int port = FreePort.find();
            // as a gateway in front of Gemini might answer: the key it was given, quoted in the error
            gemini.answers(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"message\":\"API key "
                            + GEMINI_KEY + " not valid. Please pass a valid API key.\"}}"));
            try (MailerProcess mailer = MailerProcess.start(dir, env(redis, gemini, smtp.port(), port))) {
                Api api = new Api(port);
                api.sent(api.accepted("alice@example.org", true));
                assertThat(mailer.stop()).isIn(0, 143);
                scan.add("process output", mailer.output());
            }
            scan.addFiles("working directory", dir);
            scan.addRedis("Redis", redis.redis());
        }
        assertThat(scan.leaks(CANARIES)).isEmpty();
    }

    static MalformedRequests.Case valid(String to, boolean enhance) {
        return new MalformedRequests.Case("valid", MalformedRequests.JSON, Json.of(Map.of("destinataire", to,
                "sujet", "Compte rendu", "message", TEXT, "enhance_content", enhance)).getBytes(StandardCharsets.UTF_8), 202);
    }

    /** The service's HTTP API; every answer (status line, headers, body) goes into the scan. */
    final class Api {
        private final int port;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Api(int port) {
            this.port = port;
        }

        HttpResponse<String> call(String method, String path, MalformedRequests.Case body, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body.body()));
            if (body != null && body.contentType() != null) {
                request.header("Content-Type", body.contentType());
            }
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            try {
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                scan.add("HTTP answers", method + " " + path + " -> " + r.statusCode() + " " + r.headers().map() + "\n" + r.body());
                return r;
            } catch (IOException e) {
                throw new AssertionError(method + " " + path + ": no answer: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        String accepted(String to, boolean enhance) {
            HttpResponse<String> r = call("POST", "/message", valid(to, enhance), "Authorization", "Bearer " + API_KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            return (String) Json.parse(r.body()).get("task_id");
        }

        Map<String, Object> status(String taskId) {
            return Json.parse(call("GET", "/message/" + taskId, null, "X-API-Key", API_KEY).body());
        }

        Map<String, Object> sent(String taskId) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(status(taskId).get("status")));
            return status(taskId);
        }
    }
}
