package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.config.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.data.redis.core.ZSetOperations;

/** Settings as the packaged jar reads them: each documented form, and the refusals an operator sees. */
class SettingsIT {

    /** The jar started with {@code env} only, run to its end: exit code and everything it printed. */
    record Run(int exit, String output, long millis) {
    }

    static Run runToEnd(Map<String, String> env) throws Exception {
        return runToEnd(MailerProcess.workingDirectory(), env);
    }

    static Run runToEnd(Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "camel-mailer.jar").toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        for (Setting s : Setting.values()) {
            builder.environment().remove(s.name());
        }
        builder.environment().put("MAILER_HTTP_PORT", Integer.toString(FreePort.find()));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "SMTP_PORT | 70000 | must be a port number from 1 to 65535",
            "MAILER_HTTP_PORT | 70000 | must be a port number from 1 to 65535",
            "MAILER_MAX_BODY_SIZE | 0 | must be a whole number from 1024",
            "MAILER_MAX_BODY_SIZE | -5 | must be a whole number from 1024",
            "MAILER_STATUS_TTL | 0 | must be at least 1 min",
            "GEMINI_TIMEOUT | 0 | must be at least 1 s",
            "MAILER_ROUTES_RELOAD | yes | must be true or false",
            "MAILER_WORKER_CONCURRENCY | 0 | must be a whole number from 1 to 1000",
            "MAILER_WORKER_CONCURRENCY | -1 | must be a whole number from 1 to 1000",
            "MAILER_VISIBILITY_TIMEOUT | 0s | must be at least 3 s",
            "MAILER_RATE_LIMIT | 60/0 | must look like 60/1m",
            "MAILER_RETRY_MAX_AGE | soon | must be a duration such as 30s, 5m or 24h",
            "REDIS_URL | localhost:6379 | must look like redis://",
            "MAILER_HTTP_HOST | no-such-host.invalid | cannot be resolved",
            "GEMINI_TEMPERATURE | 3 | must be a number from 0 to 2",
            "GEMINI_MAX_OUTPUT_TOKENS | 0 | must be a whole number from 1 to 65536",
            "MAILER_MAX_SCHEDULE_AHEAD | 0 | must be at least 1 s",
            "MAILER_WEBHOOK_TIMEOUT | 50ms | must be at least 100 ms",
            "MAILER_WEBHOOK_MAX_AGE | 0 | must be at least 1 s",
            "MAILER_WEBHOOK_CONCURRENCY | 0 | must be a whole number from 1 to 1000",
            "MAILER_WEBHOOK_EVENTS | opened | 'opened' is not an event",
            "MAILER_LARGE_MESSAGES | 0 | must be a whole number from 1 to 1000",
            "MAILER_BATCH_MAX | 0 | must be a whole number from 1 to 100000",
            "MAILER_MAX_RECIPIENTS | 0 | must be a whole number from 1 to 10000",
            "MAILER_MAX_MESSAGE_SIZE | 10 | must be a whole number from 1024",
    })
    void should_refuse_a_setting_that_makes_no_sense_with_exit_2_naming_it(String name, String value, String problem)
            throws Exception {
        Run run = runToEnd(Map.of(name, value));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: " + name + "=" + value + ": " + problem)
                .doesNotContain("Exception", "Apache Camel");
    }

    @Test
    void should_stop_at_once_in_a_folder_without_routes_or_application_properties_saying_where_to_run() throws Exception {
        Path empty = Files.createTempDirectory("mailer-empty");
        Path noRoutes = MailerProcess.workingDirectory();
        try (var routes = Files.list(noRoutes.resolve("routes"))) {
            for (Path route : routes.toList()) {
                Files.delete(route);
            }
        }

        Run inEmpty = runToEnd(empty, Map.of());
        Run withoutRoutes = runToEnd(noRoutes, Map.of());

        assertThat(inEmpty.exit()).as(inEmpty.output()).isEqualTo(2);
        assertThat(inEmpty.output()).contains("camel-mailer: configuration error: application.properties and "
                + "routes/*.camel.yaml are missing in " + empty.toRealPath()).contains("run java -jar from the project folder")
                .doesNotContain("Exception", "HTTP");
        assertThat(withoutRoutes.exit()).as(withoutRoutes.output()).isEqualTo(2);
        assertThat(withoutRoutes.output()).contains("routes/*.camel.yaml is missing in");
    }

    @Test
    void should_stop_a_worker_whose_prompt_file_is_missing_naming_the_file() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        Files.delete(dir.resolve("prompts/enhance.txt"));

        Run run = runToEnd(dir, Map.of("GEMINI_API_KEY", "AIza-prompt-test"));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: GEMINI_PROMPT_FILE=prompts/enhance.txt: "
                + "no such file (looked for " + dir.toRealPath().resolve("prompts/enhance.txt") + ")")
                .doesNotContain("Exception", "AIza-prompt-test");
    }

    @Test
    void should_stop_a_worker_whose_prompt_file_is_empty_naming_the_file() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        Files.writeString(dir.resolve("my-prompt.txt"), "\n  \n");

        Run run = runToEnd(dir, Map.of("GEMINI_API_KEY", "AIza-prompt-test", "GEMINI_PROMPT_FILE", "my-prompt.txt",
                "MAILER_ROLE", "worker"));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: GEMINI_PROMPT_FILE=my-prompt.txt: is empty ("
                + dir.toRealPath().resolve("my-prompt.txt") + ")");
    }

    @Test
    void should_refuse_with_exit_2_to_send_the_smtp_password_in_clear_to_another_machine() throws Exception {
        Run run = runToEnd(Map.of("SMTP_SERVER", "192.0.2.25", "SMTP_SECURITY", "none", "SMTP_LOGIN", "mailer",
                "SMTP_PASSWORD", "canary-pw-77"));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: SMTP_SECURITY=none: with SMTP_LOGIN set, "
                + "SMTP_PASSWORD would go in clear to 192.0.2.25").doesNotContain("canary-pw-77", "Exception");
    }

    @Test
    void should_say_that_redis_refused_the_password_not_that_it_does_not_answer() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess("the-right-one")) {
            Run run = runToEnd(Map.of("REDIS_URL", "redis://:wrong-password@127.0.0.1:" + redis.port()));

            assertThat(run.exit()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains("configuration error: REDIS_URL=redis://:***@127.0.0.1:" + redis.port()
                    + ": Redis refused the credentials (authentication failed): WRONGPASS")
                    .doesNotContain("wrong-password", "does not answer");
        }
    }

    @Test
    void should_read_a_bare_visibility_timeout_as_seconds_in_the_lease_a_worker_takes() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess(); FaultySmtpServer smtp = new FaultySmtpServer()) {
            // a DATA answered after 20 s keeps the task in hand while its lease is read
            smtp.slowDataBy(Duration.ofSeconds(20));
            Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", redis.url(),
                    "MAILER_HTTP_PORT", Integer.toString(FreePort.find()), "SMTP_SERVER", "127.0.0.1",
                    "SMTP_PORT", Integer.toString(smtp.port()), "SMTP_SECURITY", "none",
                    "MAILER_VISIBILITY_TIMEOUT", "300", "MAILER_SHUTDOWN_TIMEOUT", "0"));
            try (MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                assertThat(mailer.postJson(Json.of(Map.of("destinataire", "lease@example.org", "sujet", "s",
                        "message", "m"))).statusCode()).isEqualTo(202);

                ZSetOperations.TypedTuple<String> held = await().atMost(Duration.ofSeconds(10)).until(
                        () -> redis.redis().opsForZSet().rangeWithScores("mailer:queue:inflight", 0, -1),
                        set -> set.size() == 1).iterator().next();
                long now = redis.redis().execute((org.springframework.data.redis.core.RedisCallback<Long>)
                        c -> c.serverCommands().time(TimeUnit.MILLISECONDS));
                // 300 s, not 300 ms (Camel's TimeUtils reads a bare number as milliseconds)
                assertThat(held.getScore().longValue() - now).isBetween(290_000L, 300_001L);
                mailer.kill();
            }
        }
    }

    /** Two hours written each way the README documents: a send_at within them is scheduled, one past them is a 400. */
    @ParameterizedTest(name = "MAILER_MAX_SCHEDULE_AHEAD={0}")
    @CsvSource({"7200", "120m", "2h"})
    void should_read_max_schedule_ahead_the_same_in_every_documented_form(String ahead) throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess()) {
            int port = FreePort.find();
            Map<String, String> env = Map.of("REDIS_URL", redis.url(), "MAILER_HTTP_PORT", Integer.toString(port),
                    "MAILER_MAX_SCHEDULE_AHEAD", ahead, "MAILER_ROLE", "api");
            try (MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                HttpClient http = HttpClient.newHttpClient();
                long now = System.currentTimeMillis() / 1000;
                HttpResponse<String> within = postScheduled(http, port, now + 3600 * 2 - 60);
                HttpResponse<String> past = postScheduled(http, port, now + 3600 * 2 + 60);

                assertThat(within.statusCode()).as(within.body()).isEqualTo(202);
                assertThat(within.body()).contains("\"status\":\"scheduled\"");
                assertThat(past.statusCode()).as(past.body()).isEqualTo(400);
                assertThat(past.body()).contains("send_at");
            }
        }
    }

    private static HttpResponse<String> postScheduled(HttpClient http, int port, long sendAt) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/message"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.of(Map.of("to", List.of("later@example.org"),
                        "subject", "plus tard", "text", "m", "send_at", sendAt)))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void should_allow_sixty_requests_a_minute_with_60_over_60() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess()) {
            int port = FreePort.find();
            Map<String, String> env = Map.of("REDIS_URL", redis.url(), "MAILER_HTTP_PORT", Integer.toString(port),
                    "MAILER_RATE_LIMIT", "60/60", "MAILER_ROLE", "api");
            try (MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                HttpClient http = HttpClient.newHttpClient();
                List<Integer> codes = new ArrayList<>();
                HttpResponse<String> refused = null;
                long started = System.nanoTime();
                for (int i = 0; i < 80; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/message"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(Json.of(Map.of("destinataire",
                                            "r" + i + "@example.org", "sujet", "s", "message", "m")))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    codes.add(r.statusCode());
                    if (r.statusCode() == 429 && refused == null) {
                        refused = r;
                    }
                }
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;

                // sixty at once, then one a second: a minute over sixty requests (read as 60 ms, all 80 would pass)
                assertThat(codes.subList(0, 60)).as("the first sixty").containsOnly(202);
                assertThat(codes.stream().filter(c -> c == 202).count()).as("accepted in " + seconds + " s")
                        .isBetween(60L, 60L + seconds);
                assertThat(refused).as("refused past the sixty").isNotNull();
                HttpResponse<String> last = refused;
                assertThat(last.headers().firstValue("Retry-After")).hasValue("1");
            }
        }
    }

}
