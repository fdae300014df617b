package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.Json;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks for Gemini have their own queue and workers (MAILER_GEMINI_CONCURRENCY): a slow Gemini neither holds
 * plain mail back nor is limited by MAILER_WORKER_CONCURRENCY, and their retries stay on their own queue.
 */
class GeminiWorkersTest {

    RedisServerProcess redis;
    FaultySmtpServer smtp;
    GeminiStub gemini;
    RunningMailer mailer;

    @BeforeEach
    void start() {
        redis = new RedisServerProcess();
        smtp = new FaultySmtpServer();
        gemini = new GeminiStub();
        mailer = RunningMailer.start(Map.ofEntries(Map.entry("REDIS_URL", redis.url()),
                Map.entry("SMTP_SERVER", "127.0.0.1"), Map.entry("SMTP_PORT", Integer.toString(smtp.port())),
                Map.entry("SMTP_SECURITY", "none"), Map.entry("GEMINI_API_KEY", "test-key"),
                Map.entry("GEMINI_BASE_URL", gemini.baseUrl()), Map.entry("GEMINI_TIMEOUT", "20s"),
                Map.entry("MAILER_WORKER_CONCURRENCY", "1"), Map.entry("MAILER_GEMINI_CONCURRENCY", "6"),
                Map.entry("MAILER_RETRY_DELAY", "200ms")));
    }

    @AfterEach
    void stop() throws InterruptedException {
        mailer.close();
        gemini.close();
        smtp.close();
        redis.close();
    }

    String post(String to, boolean enhance) {
        var r = mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", "Point", "message", "Bonjour",
                "enhance_content", enhance)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    Map<String, Object> status(String taskId) {
        return Json.parse(mailer.get("/message/" + taskId).body());
    }

    @Test
    void should_wait_on_gemini_for_six_tasks_at_once_while_plain_mail_goes_past_them() {
        gemini.answers(fixture(200, "200-ok.json").withFixedDelay(4_000));
        List<String> enhanced = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            enhanced.add(post("enhanced" + i + "@example.org", true));
        }
        String plain = post("plain@example.org", false);

        // six Gemini calls in flight with one delivery worker, and the plain mail already out behind them
        await().atMost(Duration.ofSeconds(3)).until(() -> gemini.requests().size() == 6
                && smtp.countsByTaskId().containsKey(plain));
        assertThat(smtp.countsByTaskId()).containsOnlyKeys(plain);

        await().atMost(Duration.ofSeconds(15)).until(() -> smtp.countsByTaskId().keySet().containsAll(enhanced));
        assertThat(enhanced).allSatisfy(id -> assertThat(status(id)).containsEntry("status", "sent")
                .containsEntry("enhanced", true));
        assertThat(redis.redis().keys("mailer:queue*")).as("both queues empty, nothing held").isEmpty();
    }

    @Test
    void should_redrive_a_dead_enhanced_task_to_its_own_queue() throws Exception {
        gemini.answers(fixture(200, "200-ok.json"));
        smtp.reply("refused@example.org", 550, 1);
        String taskId = post("refused@example.org", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(status(taskId).get("status")));
        assertThat(mailer.get("/admin/dead-letters").body()).contains("\"queue\":\"mailer:queue:enhance\"");

        // with the plain workers stopped, only the enhanced workers can deliver the re-driven task
        mailer.context().getRouteController().suspendRoute("worker-take-task");
        var redrive = mailer.send(HttpRequest.newBuilder(mailer.uri("/admin/dead-letters/" + taskId + "/redrive"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(redrive.statusCode()).as(redrive.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(taskId).get("status")));
        assertThat(status(taskId)).containsEntry("enhanced", true).containsEntry("attempts", 1);
        assertThat(smtp.countsByTaskId()).containsOnly(Map.entry(taskId, 1L));
    }

    @Test
    void should_retry_an_enhanced_task_on_its_own_queue() {
        gemini.answers(fixture(200, "200-ok.json"));
        smtp.reply("greylisted@example.org", 451, 1);

        String taskId = post("greylisted@example.org", true);

        // a retry handed to the wrong queue would leave the task held until its 5-minute lease ran out
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(taskId).get("status")));
        assertThat(status(taskId)).containsEntry("attempts", 2).containsEntry("enhanced", true);
        assertThat(smtp.countsByTaskId()).containsOnly(Map.entry(taskId, 1L));
        assertThat(smtp.recipientAttempts("greylisted@example.org")).isEqualTo(2);
        assertThat(redis.redis().keys("mailer:queue*")).isEmpty();
    }
}
