package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.camelmailer.content.AttachmentStore;
import org.camelmailer.message.MailTask;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.support.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Idempotency-Key admission against a real redis-server, step by step: the interleavings two concurrent requests
 * can produce, which an HTTP test cannot pin down.
 */
class TaskAdmissionTest {

    private static final Duration TTL = Duration.ofHours(24);

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    static StringRedisTemplate redis;

    TaskStatusStore statuses;
    TaskAdmission admission;

    @BeforeEach
    void emptyRedis() {
        redis = REDIS.redis();
        statuses = new TaskStatusStore(redis, TTL);
        admission = new TaskAdmission(redis, statuses, new AttachmentStore(redis, TTL), TTL);
    }

    private static MailTask task(String taskId, String message) {
        return new MailTask(taskId, "bob@example.org", "Facture", message, false, 0, "2026-11-28T10:00:00Z");
    }

    @Test
    void should_record_and_queue_a_task_together_and_a_scheduled_one_into_the_delayed_set() throws Exception {
        admission.admit(task("now", "Tout de suite."), null);
        admission.admit(task("later", "Plus tard.").scheduledAt("2026-12-24T07:00:00Z"), null);

        assertThat(statuses.find("now")).containsEntry("status", "queued");
        assertThat(redis.opsForList().range("mailer:queue", 0, -1)).singleElement().asString()
                .contains("\"task_id\":\"now\"");
        assertThat(statuses.find("later")).containsEntry("status", "scheduled");
        assertThat(redis.opsForZSet().rangeWithScores("mailer:queue:delayed", 0, -1)).singleElement().satisfies(e -> {
            assertThat(e.getValue()).contains("\"task_id\":\"later\"").contains("\"send_at\":\"2026-12-24T07:00:00Z\"");
            assertThat(e.getScore()).isEqualTo((double) java.time.Instant.parse("2026-12-24T07:00:00Z").toEpochMilli());
        });
    }

    @Test
    void should_queue_nothing_for_a_task_whose_every_recipient_is_suppressed() {
        new org.camelmailer.suppress.SuppressionList(redis).add("bob@example.org", "550 5.1.1 gone", null);

        assertThatThrownBy(() -> admission.admit(task("gone", "Perdu."), null))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(422));
        assertThat(statuses.find("gone")).isNull();
        assertThat(redis.opsForList().size("mailer:queue")).isZero();
    }

    @Test
    void should_answer_409_to_the_same_key_while_the_first_task_is_not_yet_queued() throws Exception {
        TaskAdmission.Admission first = admission.admit(task("t1", "Voici la facture."), "order-42");

                assertThatThrownBy(() -> admission.admit(task("t2", "Voici la facture."), "order-42")).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.retryAfterSeconds()).isEqualTo(1);
        });
        assertThat(statuses.find("t2")).as("the refused request writes nothing").isNull();
    }

    @Test
    void should_replay_the_first_task_once_it_is_confirmed_queued() throws Exception {
        TaskAdmission.Admission first = admission.admit(task("t1", "Voici la facture."), "order-42");
        admission.confirm(first);

        TaskAdmission.Admission second = admission.admit(task("t2", "Voici la facture."), "order-42");

        assertThat(second.replay()).isTrue();
        assertThat(second.taskId()).isEqualTo("t1");
        assertThat(redis.getExpire("mailer:idem:" + sha256("order-42"))).as("kept for the status TTL")
                .isGreaterThan(TTL.minusMinutes(1).toSeconds());
    }

    @Test
    void should_answer_422_to_the_same_key_with_another_body_pending_or_not() throws Exception {
        TaskAdmission.Admission first = admission.admit(task("t1", "Voici la facture."), "order-42");
        assertThatThrownBy(() -> admission.admit(task("t2", "Autre chose."), "order-42"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(422));

        admission.confirm(first);
        assertThatThrownBy(() -> admission.admit(task("t3", "Autre chose."), "order-42"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(422));
    }

    @Test
    void should_free_the_key_when_the_push_failed_and_was_undone() throws Exception {
        TaskAdmission.Admission first = admission.admit(task("t1", "Voici la facture."), "order-42");
        admission.undo(first);

        TaskAdmission.Admission retry = admission.admit(task("t2", "Voici la facture."), "order-42");

        assertThat(retry.replay()).isFalse();
        assertThat(retry.taskId()).isEqualTo("t2");
    }

    @Test
    void should_let_a_pending_claim_whose_request_died_expire() throws Exception {
        admission = new TaskAdmission(redis, statuses, new AttachmentStore(redis, TTL), TTL, Duration.ofMillis(300));
        admission.admit(task("t1", "Voici la facture."), "order-42");
        // no confirm, no undo: the process that admitted t1 died before its push
        assertThatThrownBy(() -> admission.admit(task("t2", "Voici la facture."), "order-42"))
                .isInstanceOf(InvalidRequestException.class);

        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(InvalidRequestException.class).untilAsserted(() -> {
            TaskAdmission.Admission retry = admission.admit(task("t2", "Voici la facture."), "order-42");
            assertThat(retry.taskId()).isEqualTo("t2");
        });
    }

    @Test
    void should_not_fail_a_queued_request_when_redis_is_gone_at_confirm() throws Exception {
        TaskAdmission.Admission first = admission.admit(task("t1", "Voici la facture."), "order-42");
        REDIS.server().stop();
        try {
            admission.confirm(first);
        } finally {
            REDIS.server().start();
        }
    }

    @Test
    void should_leave_requests_without_a_key_alone() throws Exception {
        TaskAdmission.Admission plain = admission.admit(task("t1", "Bonjour"), null);
        admission.confirm(plain);

        assertThat(plain.replay()).isFalse();
        assertThat(redis.keys("mailer:idem:*")).isEmpty();
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
