package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.message.MailTask;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/**
 * The packaged service when it cannot serve HTTP: it stops within seconds with a non-zero exit code and a line
 * naming the setting, and a task waiting in the shared queue is left there for the processes that can run.
 */
class StartFailureIT {

    @Test
    void should_exit_1_within_seconds_and_take_no_task_when_the_http_port_is_taken() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess();
             ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePort.find()));
            int port = taken.getLocalPort();
            TaskStatusStore statuses = new TaskStatusStore(redis.redis(), Duration.ofHours(1));
            MailTask task = new MailTask("waiting-1", "alice@example.org", "En attente", "Bonjour", false, 0,
                    "2024-01-01T00:00:00Z");
            statuses.queued(task);
            redis.redis().opsForList().leftPush("mailer:queue", new ObjectMapper().writeValueAsString(task));

            MailerProcess.Exit exit = MailerProcess.runUntilExit(MailerProcess.workingDirectory(),
                    Map.of("REDIS_URL", redis.url(), "MAILER_HTTP_PORT", Integer.toString(port)), Duration.ofSeconds(90));

            assertThat(exit.code()).as("exit code; output:%n%s", exit.output()).isEqualTo(1);
            assertThat(exit.took()).as("time to exit").isLessThan(Duration.ofSeconds(15));
            assertThat(exit.output()).contains("camel-mailer: cannot start: MAILER_HTTP_HOST=127.0.0.1, MAILER_HTTP_PORT="
                    + port + ": cannot listen there: address already in use");
            assertThat(exit.output()).doesNotContain("Started worker-take-task");
            assertThat(redis.redis().opsForList().range("mailer:queue", 0, -1)).as("the task is still queued")
                    .containsExactly(new ObjectMapper().writeValueAsString(task));
            assertThat(redis.redis().opsForZSet().zCard("mailer:queue:inflight")).as("held by nobody").isZero();
            assertThat(statuses.find("waiting-1")).containsEntry("status", "queued");
        }
    }

    @Test
    void should_refuse_an_unresolvable_http_host_as_a_configuration_error() {
        MailerProcess.Exit exit = MailerProcess.runUntilExit(MailerProcess.workingDirectory(),
                Map.of("MAILER_HTTP_HOST", "no-such-host.invalid", "REDIS_URL", "redis://127.0.0.1:1",
                        "MAILER_HTTP_PORT", Integer.toString(FreePort.find())), Duration.ofSeconds(60));

        assertThat(exit.code()).as("exit code; output:%n%s", exit.output()).isEqualTo(2);
        assertThat(exit.took()).isLessThan(Duration.ofSeconds(15));
        assertThat(exit.output()).contains("camel-mailer: configuration error: MAILER_HTTP_HOST=no-such-host.invalid: "
                + "cannot be resolved to an address of this machine");
    }
}
