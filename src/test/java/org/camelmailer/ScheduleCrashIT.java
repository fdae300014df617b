package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the only (packaged) service before a task's send time, Redis restarted on its append-only file meanwhile,
 * the service restarted after the send time: the task is sent, once.
 */
class ScheduleCrashIT {

    @Test
    void should_send_once_a_task_that_fell_due_while_no_worker_ran() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess()) {
            GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            smtp.start();
            try {
                Map<String, String> env = new MailerEnv().redis(redis.url()).freeHttpPort()
                        .smtp(smtp.getSmtp().getPort()).toMap();
                Instant due;
                String taskId;
                try (MailerProcess first = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                    // due 4 s after the service answers (not after the JVM was launched: a loaded machine starts slower)
                    due = Instant.now().plusSeconds(4);
                    taskId = first.accept(Map.of("to", "alice@example.org", "subject", "Plus tard", "text", "Bonjour",
                            "send_at", due.toString()));
                    first.kill();
                }
                assertThat(Instant.now()).as("killed before the send time").isBefore(due);
                // and Redis restarted on its append-only file, while no service runs
                redis.stop();
                redis.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(due.plusSeconds(1)));
                assertThat(smtp.getReceivedMessages()).isEmpty();
                assertThat(redis.redis().opsForZSet().zCard("mailer:queue:delayed")).as("still waiting in Redis")
                        .isEqualTo(1);

                try (MailerProcess second = MailerProcess.start(MailerProcess.workingDirectory(), env)) {
                    assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
                    second.awaitStatus(taskId, "sent", Duration.ofSeconds(10));
                    await().during(Duration.ofSeconds(2)).until(() -> smtp.getReceivedMessages().length == 1);
                    assertThat(smtp.getReceivedMessages()[0].getMessageID()).contains(taskId);
                    assertThat(redis.redis().opsForZSet().zCard("mailer:queue:delayed")).isZero();
                }
            } finally {
                smtp.stop();
            }
        }
    }
}
