package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.time.Duration;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/** kill -9 of the packaged service while its worker holds a task: another run delivers it, once. */
class WorkerCrashIT {

    @Test
    void should_deliver_a_task_held_by_a_killed_worker_after_the_visibility_timeout() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess(); GeminiStub gemini = new GeminiStub()) {
            GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            smtp.start();
            try {
                Map<String, String> env = Map.of("REDIS_URL", redis.url(),
                        "MAILER_HTTP_PORT", Integer.toString(FreePort.find()),
                        "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()),
                        "SMTP_SECURITY", "none", "GEMINI_API_KEY", "test-key", "GEMINI_BASE_URL", gemini.baseUrl(),
                        "GEMINI_TIMEOUT", "60s", "MAILER_VISIBILITY_TIMEOUT", "3s");
                // the first worker is stuck in a slow Gemini call when it dies
                gemini.answers(fixture(200, "200-ok.json").withFixedDelay(30_000));
                String taskId;
                try (MailerProcess first = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                    var accepted = first.postJson(Json.of(Map.of("destinataire", "alice@example.org",
                            "sujet", "Crash", "message", "Bonjour", "enhance_content", true)));
                    assertThat(accepted.statusCode()).isEqualTo(202);
                    taskId = (String) Json.parse(accepted.body()).get("task_id");
                    await().atMost(Duration.ofSeconds(20)).until(() -> !gemini.requests().isEmpty());
                    first.kill();
                }
                assertThat(redis.redis().opsForZSet().zCard("mailer:queue:enhance:inflight")).as("held by the dead worker").isEqualTo(1);
                assertThat(smtp.getReceivedMessages()).isEmpty();

                gemini.answers(fixture(200, "200-ok.json"));
                try (MailerProcess second = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                    assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            "sent".equals(Json.parse(second.get("/message/" + taskId).body()).get("status")));
                    assertThat(smtp.getReceivedMessages()).hasSize(1);
                    assertThat(smtp.getReceivedMessages()[0].getMessageID()).contains(taskId);
                    assertThat(redis.redis().opsForZSet().zCard("mailer:queue:enhance:inflight")).isZero();
                }
            } finally {
                smtp.stop();
            }
        }
    }
}
