package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.support.RunningMailer;
import org.camelmailer.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole service against an SMTP server that behaves as the strict Postfix of issue 12 did: a slow content filter
 * after DATA, 454 and 535 to AUTH, 504 to a non-FQDN EHLO, STARTTLS missing or with a certificate for another name,
 * 421 from the third connection on, and its idle timeout.
 */
class StrictSmtpServerTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    final ScriptedSmtpServer smtp = new ScriptedSmtpServer();

    @AfterEach
    void stopSmtp() {
        smtp.close();
    }

    RunningMailer start(String... settings) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", redis.url(), "SMTP_SERVER", "127.0.0.1",
                "SMTP_PORT", Integer.toString(smtp.port()), "SMTP_SECURITY", "none",
                "SENDER_EMAIL", "noreply@example.org"));
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return RunningMailer.start(env);
    }

    static String post(RunningMailer mailer, String to) {
        var r = mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", "Réunion", "message", "Bonjour")));
        assertThat(r.statusCode()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    static Map<String, Object> status(RunningMailer mailer, String taskId) {
        return Json.parse(mailer.get("/message/" + taskId).body());
    }

    static void awaitStatus(RunningMailer mailer, String taskId, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(status(mailer, taskId).get("status")));
    }

    // 1. a slow answer to the final dot

    @Test
    void should_wait_for_a_slow_content_filter_past_the_command_timeout_and_send_once() throws Exception {
        smtp.slowEndOfData(Duration.ofMillis(2500));
        try (RunningMailer mailer = start("SMTP_TIMEOUT", "1s")) {
            String taskId = post(mailer, "alice@example.org");

            awaitStatus(mailer, taskId, "sent");
            assertThat(status(mailer, taskId)).containsEntry("attempts", 1);
            assertThat(smtp.copiesByMessageId()).containsExactly(Map.entry(taskId + "@example.org", 1L));
        }
    }

    @Test
    void should_send_a_mail_whose_final_dot_is_never_answered_at_most_twice_and_say_it_is_uncertain() throws Exception {
        smtp.slowEndOfData(Duration.ofSeconds(4));
        try (RunningMailer mailer = start("SMTP_TIMEOUT", "1s", "SMTP_DATA_TIMEOUT", "1s",
                "SMTP_UNCERTAIN_RETRY_DELAY", "2s", "MAILER_RETRY_DELAY", "100ms", "MAILER_MAX_ATTEMPTS", "5")) {
            String taskId = post(mailer, "alice@example.org");

            awaitStatus(mailer, taskId, "retrying");
            assertThat((String) status(mailer, taskId).get("error"))
                    .startsWith("uncertain: no reply to the end of the message within 1 s (SMTP_DATA_TIMEOUT)")
                    .contains("one more attempt in 2 s with the same Message-ID");
            assertThat(smtp.copiesByMessageId()).as("not sent again at once")
                    .containsExactly(Map.entry(taskId + "@example.org", 1L));

            awaitStatus(mailer, taskId, "failed");
            assertThat(status(mailer, taskId)).containsEntry("attempts", 2);
            assertThat((String) status(mailer, taskId).get("error")).startsWith("uncertain: ")
                    .contains("an earlier attempt was uncertain too");
            assertThat(redis.redis().opsForList().range("mailer:dead", 0, -1)).singleElement().asString()
                    .contains(taskId);
            assertThat(smtp.copiesByMessageId()).containsExactly(Map.entry(taskId + "@example.org", 2L));
        }
    }

    // 4. EHLO localhost

    @Test
    void should_greet_a_server_that_refuses_non_fqdn_helo_names_with_a_fully_qualified_one() throws Exception {
        smtp.requireFqdnHelo(true);
        try (RunningMailer mailer = start()) {
            String taskId = post(mailer, "alice@example.org");

            awaitStatus(mailer, taskId, "sent");
            assertThat(smtp.ehloNames()).isNotEmpty()
                    .allSatisfy(name -> assertThat(name).matches("[a-z0-9-]+(\\.[a-z0-9-]+)+|\\[.+]"));
        }
    }

    @Test
    void should_greet_with_smtp_helo_name_when_it_is_set() throws Exception {
        smtp.requireFqdnHelo(true);
        try (RunningMailer mailer = start("SMTP_HELO_NAME", "relay.example.net")) {
            String taskId = post(mailer, "alice@example.org");

            awaitStatus(mailer, taskId, "sent");
            assertThat(smtp.ehloNames()).isNotEmpty().containsOnly("relay.example.net");
            assertThat(smtp.messages()).singleElement().satisfies(m -> assertThat(m.ehloName()).isEqualTo("relay.example.net"));
        }
    }

    // 2. 454 to AUTH

    @Test
    void should_retry_a_temporary_authentication_failure_and_send_when_it_passes() throws Exception {
        smtp.login("mailer", "s3cret").authReply("454 4.7.0 Temporary authentication failure");
        try (RunningMailer mailer = start("SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret",
                "MAILER_RETRY_DELAY", "300ms", "MAILER_RETRY_MAX_DELAY", "300ms")) {
            String taskId = post(mailer, "alice@example.org");

            awaitStatus(mailer, taskId, "retrying");
            assertThat((String) status(mailer, taskId).get("error"))
                    .isEqualTo("authentication failed temporarily: 454 4.7.0 Temporary authentication failure");
            assertThat(mailer.get("/observe/health/ready").statusCode()).as("no pause for a 454").isEqualTo(200);

            smtp.authReply(null);
            awaitStatus(mailer, taskId, "sent");
            assertThat((int) status(mailer, taskId).get("attempts")).isGreaterThan(1);
            // each refused login closed with QUIT (so are readiness' probes: greeting, QUIT)
            assertThat(smtp.droppedWithoutQuit()).as("connections dropped without QUIT").isZero();
            assertThat(smtp.quits()).isGreaterThanOrEqualTo(smtp.loginsFailed());
        }
    }

    // 3. wrong credentials

    @Test
    void should_log_in_once_with_a_wrong_password_let_the_queue_wait_and_say_why_in_readiness() throws Exception {
        smtp.login("mailer", "right-password");
        try (RunningMailer mailer = start("SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "wrong-password",
                "SMTP_PAUSE_ON_REFUSAL", "6s", "MAILER_WORKER_CONCURRENCY", "4")) {
            List<String> taskIds = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                taskIds.add(post(mailer, "user" + i + "@example.org"));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> mailer.get("/observe/health/ready").statusCode() == 503);
            String readiness = mailer.get("/observe/health/ready").body();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> checks = (List<Map<String, Object>>) Json.parse(readiness).get("checks");
            assertThat(checks).filteredOn(c -> !"UP".equals(c.get("status"))).as("the smtp check says it, no route's")
                    .singleElement().satisfies(c -> assertThat(c).containsEntry("name", "smtp"));
            assertThat(readiness).contains("SMTP delivery is paused", "refused the login of SMTP_LOGIN=mailer", "535 5.7.8")
                    .doesNotContain("wrong-password");
            // the queue waits: nothing failed, nothing charged, one failed login in all, closed with QUIT
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> taskIds.stream()
                    .map(id -> status(mailer, id)).allMatch(st -> st.get("status").equals("retrying")
                            && (int) st.get("attempts") == 0 || st.get("status").equals("queued")));
            assertThat(taskIds.stream().map(id -> (String) status(mailer, id).get("error")).filter(e -> e != null))
                    .isNotEmpty().allSatisfy(e -> assertThat(e).startsWith("postponed: ").contains("535 5.7.8"));
            assertThat(smtp.loginsFailed()).isEqualTo(1);
            assertThat(smtp.quits()).isEqualTo(smtp.connections());
            assertThat(smtp.messages()).isEmpty();

            // the account is given the configured password: the next check gets through and the queue drains
            smtp.login("mailer", "wrong-password");
            for (String id : taskIds) {
                awaitStatus(mailer, id, "sent");
                assertThat(status(mailer, id)).as("never charged for the wait").containsEntry("attempts", 1);
            }
            assertThat(mailer.get("/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(smtp.loginsFailed()).isEqualTo(1);
        }
    }

    // 8. TLS misconfiguration

    @Test
    void should_fail_at_once_when_starttls_is_missing_let_the_rest_wait_and_resume_once_it_is_offered() throws Exception {
        smtp.login("mailer", "s3cret").offerStartTls(false);
        try (RunningMailer mailer = start("SMTP_SERVER", "localhost", "SMTP_SECURITY", "starttls", "SMTP_SSL_TRUST", "*",
                "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret", "SMTP_PAUSE_ON_REFUSAL", "4s",
                "MAILER_WORKER_CONCURRENCY", "1")) {
            List<String> taskIds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                taskIds.add(post(mailer, "user" + i + "@example.org"));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> taskIds.stream()
                    .anyMatch(id -> "failed".equals(status(mailer, id).get("status"))));
            String failed = taskIds.stream().filter(id -> "failed".equals(status(mailer, id).get("status")))
                    .findFirst().orElseThrow();
            assertThat(status(mailer, failed)).containsEntry("attempts", 1);
            assertThat((String) status(mailer, failed).get("error")).isEqualTo("STARTTLS is required "
                    + "(SMTP_SECURITY=starttls) but the server does not offer it: nothing is sent in clear");
            assertThat(redis.redis().opsForList().range("mailer:dead", 0, -1)).singleElement().asString().contains(failed);
            String readiness = mailer.get("/observe/health/ready").body();
            assertThat(readiness).contains("SMTP delivery is paused", "STARTTLS is required");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> taskIds.stream()
                    .filter(id -> !id.equals(failed)).map(id -> status(mailer, id).get("status"))
                    .allMatch(st -> st.equals("queued") || st.equals("retrying")));
            assertThat(smtp.loginsOk() + smtp.loginsFailed()).as("no AUTH in clear").isZero();
            assertThat(smtp.quits()).isEqualTo(smtp.connections());

            smtp.offerStartTls(true);
            for (String id : taskIds) {
                if (!id.equals(failed)) {
                    awaitStatus(mailer, id, "sent");
                }
            }
            assertThat(mailer.get("/observe/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void should_fail_at_once_on_a_certificate_for_another_name_even_when_the_host_is_trusted() throws Exception {
        smtp.login("mailer", "s3cret").offerStartTls(true);
        try (RunningMailer mailer = start("SMTP_SERVER", "localhost", "SMTP_SECURITY", "starttls",
                "SMTP_SSL_TRUST", "localhost", "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret")) {
            String taskId = post(mailer, "alice@example.org");

            awaitStatus(mailer, taskId, "failed");
            assertThat(status(mailer, taskId)).containsEntry("attempts", 1);
            assertThat((String) status(mailer, taskId).get("error"))
                    .startsWith("TLS: the certificate of localhost:" + smtp.port() + " is not accepted (")
                    .contains("SMTP_SSL_TRUST=localhost, which still checks the name");
            assertThat(mailer.get("/observe/health/ready").body()).contains("SMTP delivery is paused",
                    "TLS: the certificate of localhost");
            assertThat(smtp.loginsOk() + smtp.loginsFailed()).isZero();
            assertThat(smtp.messages()).isEmpty();
        }
    }

    // 421 too many connections

    @Test
    void should_take_421_too_many_connections_as_back_pressure_without_charging_any_task() throws Exception {
        smtp.refuseFrom(3, "421 4.7.0 scripted.example Error: too many connections from 127.0.0.1")
                .slowEndOfData(Duration.ofMillis(50));
        try (RunningMailer mailer = start("MAILER_WORKER_CONCURRENCY", "8", "MAILER_RETRY_DELAY", "200ms",
                "MAILER_MAX_ATTEMPTS", "2")) {
            List<String> taskIds = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                taskIds.add(post(mailer, "user" + i + "@example.org"));
            }

            for (String id : taskIds) {
                awaitStatus(mailer, id, "sent");
            }
            assertThat(taskIds).allSatisfy(id -> assertThat(status(mailer, id)).as(id).containsEntry("attempts", 1));
            assertThat(smtp.copiesByMessageId()).hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            assertThat(smtp.refused()).as("the pool shrank instead of knocking again").isLessThanOrEqualTo(10);
        }
    }
}
