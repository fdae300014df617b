package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/**
 * MAILER_CAMEL_CLI through the packaged jar: camel-cli-connector writes the status file the camel CLI's {@code ps} and
 * {@code get} read ({@code ~/.camel/<pid>-status.json}) only when asked. The CLI itself is no dependency of the
 * project: the README shows it run against the jar.
 */
class CamelCliIT {

    @Test
    void should_leave_the_camel_cli_out_by_default() throws Exception {
        Path home = home();
        try (RedisServerProcess redis = new RedisServerProcess(); MailerProcess mailer = start(redis, home, Map.of())) {
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> !Files.exists(home.resolve(".camel")));
            assertThat(mailer.output()).doesNotContain("Camel JBang CLI enabled");
        }
    }

    @Test
    void should_write_the_status_the_camel_cli_reads_with_mailer_camel_cli_true() throws Exception {
        Path home = home();
        try (RedisServerProcess redis = new RedisServerProcess();
             MailerProcess mailer = start(redis, home, Map.of("MAILER_CAMEL_CLI", "true"))) {
            Path status = home.resolve(".camel").resolve(mailer.pid() + "-status.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(status)
                    && Files.readString(status).contains("worker-take-task"));
            assertThat(Files.readString(status)).contains("camel-mailer");
            assertThat(mailer.output()).contains("Camel JBang CLI enabled");
        }
    }

    @Test
    void should_refuse_a_value_other_than_true_or_false_with_exit_2() throws Exception {
        SettingsIT.Run run = SettingsIT.runToEnd(Map.of("MAILER_CAMEL_CLI", "yes"));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: MAILER_CAMEL_CLI=yes: must be true or false");
    }

    /** A home folder of its own (the connector writes to ~/.camel) inside a fresh working directory. */
    private static Path home() throws Exception {
        return Files.createDirectories(MailerProcess.workingDirectory().resolve("home"));
    }

    /** The jar in {@code home}'s working directory with {@code home} as the user's home, on {@code redis}. */
    private static MailerProcess start(RedisServerProcess redis, Path home, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("REDIS_URL", redis.url());
        env.put("MAILER_HTTP_PORT", Integer.toString(FreePort.find()));
        return MailerProcess.start(home.getParent(), env, List.of("-Duser.home=" + home), "/");
    }
}
