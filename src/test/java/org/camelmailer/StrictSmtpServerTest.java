package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
}
