package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/** What the packaged service's start log says about its HTTP side: the address really bound. */
class StartLogIT {

    @Test
    void should_list_the_endpoints_at_the_address_bound() throws Exception {
        int port = FreePort.find();
        try (RedisServerProcess redis = new RedisServerProcess();
             MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(),
                     Map.of("REDIS_URL", redis.url(), "MAILER_HTTP_PORT", Integer.toString(port)))) {
            String base = "http://127.0.0.1:" + port;

            assertThat(mailer.output())
                    .contains("HTTP server listening on " + base + " (MAILER_HTTP_HOST=127.0.0.1, MAILER_HTTP_PORT=" + port + ")")
                    .containsPattern("    " + base + "/message +\\(POST\\)")
                    .containsPattern("    " + base + "/message/\\{task_id\\} +\\(GET\\)")
                    .containsPattern("    " + base + "/observe/health +\\(GET\\)")
                    .doesNotContain("0.0.0.0");
        }
    }
}
