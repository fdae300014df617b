package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/** What the packaged service's start log says about its HTTP side: the address really bound, CORS, the Host check. */
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

    @Test
    void should_say_which_cors_policy_and_host_check_are_in_effect() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess();
             MailerProcess defaults = MailerProcess.start(MailerProcess.workingDirectory(),
                     Map.of("REDIS_URL", redis.url(), "MAILER_HTTP_PORT", Integer.toString(FreePort.find())));
             MailerProcess any = MailerProcess.start(MailerProcess.workingDirectory(),
                     Map.of("REDIS_URL", redis.url(), "MAILER_HTTP_PORT", Integer.toString(FreePort.find()),
                             "CORS_ORIGINS", "*", "MAILER_ALLOWED_HOSTS", "mailer.internal"))) {

            assertThat(defaults.output())
                    .contains("HttpEdge - CORS_ORIGINS=http://localhost:*,http://127.0.0.1:*,http://[::1]:*: browsers let "
                            + "pages from these origins call this API, others get 403")
                    .contains("HttpEdge - Host check on (MAILER_HTTP_HOST=127.0.0.1 is loopback): requests must name "
                            + "localhost, *.localhost, 127.x.x.x or [::1], others get 421")
                    .doesNotContain("CORS_ORIGINS=* and MAILER_API_KEY is not set");
            assertThat(any.output())
                    .contains("HttpEdge - CORS_ORIGINS=*: browsers let a page from any web site call this API")
                    .contains("WARN ApiKeyGuard - CORS_ORIGINS=* and MAILER_API_KEY is not set")
                    .contains("or mailer.internal (MAILER_ALLOWED_HOSTS), others get 421");
        }
    }
}
