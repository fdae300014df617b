package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/**
 * GEMINI_RPM through the packaged service: one api and two worker processes on one Redis, a Gemini stub that answers
 * 429 (a per-minute quota) to any call above the rate in a sliding minute. Each worker alone could hold more tasks
 * than the rate; together they stay under it, and the tasks past it wait their turn instead of falling back.
 */
class GeminiRateLimitIT {

    static final int RPM = 4;
    static final int TASKS = 6;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void should_keep_the_calls_of_two_workers_under_gemini_rpm_together_so_gemini_answers_no_429() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess(); GeminiStub gemini = new GeminiStub()) {
            gemini.answers(fixture(200, "200-ok.json"));
            gemini.limitPerMinute(RPM);
            Path dir = MailerProcess.workingDirectory();
            Map<String, String> common = Map.of("REDIS_URL", redis.url(), "GEMINI_API_KEY", "test-key",
                    "GEMINI_BASE_URL", gemini.baseUrl(), "GEMINI_MODEL", "test-model", "GEMINI_RPM", Integer.toString(RPM),
                    // one attempt: a 429 would be plain text at once, in the status
                    "GEMINI_MAX_ATTEMPTS", "1",
                    // three tasks in hand per worker: both workers take some of the six, and each alone is under the rate
                    "MAILER_GEMINI_CONCURRENCY", "3");
            List<String> jvm = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
            int apiPort = FreePort.find();
            try (MailerProcess api = MailerProcess.start(dir, with(common, "MAILER_ROLE", "api", apiPort), jvm, "/");
                 MailerProcess first = MailerProcess.start(dir, with(common, "MAILER_ROLE", "worker", FreePort.find()),
                         jvm, "/observe/health/ready");
                 MailerProcess second = MailerProcess.start(dir, with(common, "MAILER_ROLE", "worker", FreePort.find()),
                         jvm, "/observe/health/ready")) {
                List<String> tasks = new ArrayList<>();
                for (int i = 0; i < TASKS; i++) {
                    tasks.add(post(apiPort, "r" + i + "@example.org"));
                }

                await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> tasks.stream().allMatch(id -> "sent".equals(status(apiPort, id).get("status"))));

                assertThat(tasks).allSatisfy(id -> assertThat(status(apiPort, id))
                        .containsEntry("enhanced", true).containsEntry("error", null));
                assertThat(gemini.answeredTooManyRequests()).as("429 answers").isZero();
                List<Long> arrivals = gemini.requests().stream().map(LoggedRequest::getLoggedDate)
                        .map(d -> d.getTime()).sorted().toList();
                assertThat(arrivals).hasSize(TASKS);
                assertThat(arrivals.get(RPM) - arrivals.get(0)).as("the call past the rate waited for the minute")
                        .isGreaterThanOrEqualTo(60_000);
                assertThat(first.output()).as("first worker").contains("sent (enhanced)");
                assertThat(second.output()).as("second worker").contains("sent (enhanced)");
                System.out.println("GEMINI_RPM " + RPM + ", " + TASKS + " tasks, two workers: calls at +"
                        + arrivals.stream().map(t -> (t - arrivals.get(0)) + " ms").toList() + ", 429 answers "
                        + gemini.answeredTooManyRequests());
            }
        }
    }

    static Map<String, String> with(Map<String, String> common, String name, String value, int port) {
        Map<String, String> env = new HashMap<>(common);
        env.put(name, value);
        env.put("MAILER_HTTP_PORT", Integer.toString(port));
        return env;
    }

    String post(int port, String to) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/message"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.of(Map.of("destinataire", to, "sujet", "Point",
                                "message", "Bonjour", "enhance_content", true)), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    Map<String, Object> status(int port, String taskId) {
        try {
            return Json.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/message/" + taskId))
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
