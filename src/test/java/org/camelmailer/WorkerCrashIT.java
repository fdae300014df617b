package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.time.Duration;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.MailerEnv;
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
                Map<String, String> env = new MailerEnv().redis(redis.url()).freeHttpPort()
                        .smtp(smtp.getSmtp().getPort())
                        .with("GEMINI_API_KEY", "test-key").with("GEMINI_BASE_URL", gemini.baseUrl())
                        .with("GEMINI_TIMEOUT", "60s").with("MAILER_VISIBILITY_TIMEOUT", "3s").toMap();
                // the first worker is stuck in a slow Gemini call when it dies
                gemini.answers(fixture(200, "200-ok.json").withFixedDelay(30_000));
                String taskId;
                try (MailerProcess first = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                    taskId = first.accept(Map.of("destinataire", "alice@example.org", "sujet", "Crash",
                            "message", "Bonjour", "enhance_content", true));
                    await().atMost(Duration.ofSeconds(20)).until(() -> !gemini.requests().isEmpty());
                    first.kill();
                }
                assertThat(redis.redis().opsForZSet().zCard("mailer:queue:enhance:inflight")).as("held by the dead worker").isEqualTo(1);
                assertThat(smtp.getReceivedMessages()).isEmpty();

                gemini.answers(fixture(200, "200-ok.json"));
                try (MailerProcess second = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                    assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
                    second.awaitStatus(taskId, "sent", Duration.ofSeconds(10));
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
