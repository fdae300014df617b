package org.camelmailer.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.message.MailTask;
import org.camelmailer.queue.TaskQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/** Task status records against a real redis-server process. */
class TaskStatusStoreTest {

    private static final Duration TTL = Duration.ofHours(24);
    private static final String CREATED_AT = "2025-06-01T08:30:00Z";

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    static StringRedisTemplate redis;

    TaskStatusStore store;

    @BeforeEach
    void emptyRedis() {
        redis = REDIS.redis();
        store = new TaskStatusStore(redis, TTL);
    }

    private static MailTask task(String id) {
        return new MailTask(id, "alice@example.com", "Réunion", "Bonjour", true, 0, CREATED_AT);
    }

    @Test
    void should_show_a_queued_task_as_the_api_does() {
        store.queued(task("t1"));

        Map<String, Object> view = store.find("t1");

        assertThat(view).containsOnlyKeys("task_id", "status", "subject", "attempts", "enhanced", "created_at",
                "updated_at", "error", "recipients", "tags", "metadata");
        assertThat(view).containsEntry("task_id", "t1")
                .containsEntry("status", "queued")
                .containsEntry("attempts", 0)
                .containsEntry("enhanced", false)
                .containsEntry("created_at", CREATED_AT)
                .containsEntry("error", null)
                .containsEntry("recipients", 1)
                .containsEntry("tags", List.of())
                .containsEntry("metadata", Map.of());
        assertThat(Instant.parse((String) view.get("updated_at"))).isAfterOrEqualTo(Instant.parse(CREATED_AT));
    }

    @Test
    void should_keep_the_api_field_order() {
        store.queued(task("t1"));

        assertThat(store.find("t1").keySet())
                .containsExactly("task_id", "status", "subject", "attempts", "enhanced", "created_at", "updated_at",
                        "error", "recipients", "tags", "metadata");
    }

    @Test
    void should_record_status_attempts_and_error_on_update() {
        store.queued(task("t1"));

        store.update("t1", TaskStatusStore.RETRYING, 2, "421 service not available");

        assertThat(store.find("t1")).containsEntry("status", "retrying")
                .containsEntry("attempts", 2)
                .containsEntry("error", "421 service not available")
                .containsEntry("created_at", CREATED_AT);
    }

    @Test
    void should_clear_the_error_when_updated_without_one() {
        store.queued(task("t1"));
        store.update("t1", TaskStatusStore.RETRYING, 1, "timeout");

        store.update("t1", TaskStatusStore.SENT, 2, null);

        assertThat(store.find("t1")).containsEntry("status", "sent").containsEntry("error", null);
    }

    @Test
    void should_record_a_sent_task_whether_enhanced_and_why_not_in_one_write() {
        store.queued(task("t1"));
        store.queued(task("t2"));

        store.sent(task("t1"), 1, true, null, null, null);
        store.sent(task("t2"), 2, false, "gemini_timeout", null, null);

        assertThat(store.find("t1")).containsEntry("status", "sent").containsEntry("attempts", 1)
                .containsEntry("enhanced", true).containsEntry("error", null);
        assertThat(store.find("t2")).containsEntry("status", "sent").containsEntry("attempts", 2)
                .containsEntry("enhanced", false).containsEntry("error", "gemini_timeout");
    }

    @Test
    void should_record_sent_and_acknowledge_the_held_entry_together() {
        TaskQueue queue = new TaskQueue(redis, "mailer:queue");
        redis.opsForList().leftPush("mailer:queue", "{\"task_id\":\"t1\"}");
        redis.opsForList().leftPush("mailer:queue", "{\"task_id\":\"t2\"}");
        store.queued(task("t1"));
        TaskQueue.Lease held = queue.claim(Duration.ofMinutes(1));
        TaskQueue.Lease other = queue.claim(Duration.ofMinutes(1));

        store.sentAndAcknowledged(task("t1"), 1, true, "gemini_timeout", null, null, queue, held);

        assertThat(store.find("t1")).containsEntry("status", "sent").containsEntry("attempts", 1)
                .containsEntry("enhanced", true).containsEntry("error", "gemini_timeout");
        assertThat(redis.getExpire("mailer:task:t1", TimeUnit.SECONDS)).isGreaterThan(TTL.minusMinutes(1).toSeconds());
        assertThat(redis.opsForZSet().range("mailer:queue:inflight", 0, -1)).as("only the other entry is still held")
                .containsExactly(other.member());
        assertThat(queue.acknowledge(held)).as("nothing left to acknowledge").isFalse();
    }

    @Test
    void should_expire_the_record_within_the_configured_ttl() {
        store.queued(task("t1"));

        Long ttlMillis = redis.getExpire("mailer:task:t1", TimeUnit.MILLISECONDS);

        assertThat(ttlMillis).isPositive().isLessThanOrEqualTo(TTL.toMillis());
    }

    @Test
    void should_keep_a_ttl_after_an_update() {
        TaskStatusStore shortLived = new TaskStatusStore(redis, Duration.ofMinutes(10));
        shortLived.queued(task("t1"));

        shortLived.update("t1", TaskStatusStore.PROCESSING, 1, null);

        assertThat(redis.getExpire("mailer:task:t1", TimeUnit.MILLISECONDS))
                .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
    }

    @Test
    void should_forget_a_record_once_its_ttl_has_passed() {
        TaskStatusStore shortLived = new TaskStatusStore(redis, Duration.ofMillis(200));
        shortLived.queued(task("t1"));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> shortLived.find("t1") == null);
    }

    @Test
    void should_return_null_for_an_unknown_id() {
        assertThat(store.find("no-such-task")).isNull();
    }

    @Test
    void should_store_the_record_as_a_hash_under_the_task_key() {
        store.queued(task("t1"));

        assertThat(redis.opsForHash().get("mailer:task:t1", "status")).isEqualTo("queued");
    }

    @Test
    void should_say_whether_a_task_was_sent() {
        store.queued(task("sent"));
        store.sent(task("sent"), 1, false, null, null, null);
        store.queued(task("retrying"));
        store.update("retrying", TaskStatusStore.RETRYING, 1, "451 try later");

        assertThat(store.isSent("sent")).isTrue();
        assertThat(store.isSent("retrying")).isFalse();
        assertThat(store.isSent("unknown")).isFalse();
    }

    @Test
    void should_claim_and_mark_processing_unless_sent_in_one_step() throws Exception {
        TaskQueue queue = new TaskQueue(redis, "mailer:queue");
        MailTask retried = new MailTask("retried", "alice@example.com", "Réunion", "Bonjour", false, 2, CREATED_AT);
        store.queued(retried);
        store.update("retried", TaskStatusStore.RETRYING, 2, "451 try later");
        store.queued(task("sent"));
        store.sent(task("sent"), 1, false, null, null, null);
        ObjectMapper json = new ObjectMapper();
        redis.opsForList().leftPush("mailer:queue", json.writeValueAsString(retried));
        redis.opsForList().leftPush("mailer:queue", json.writeValueAsString(task("sent")));
        redis.opsForList().leftPush("mailer:queue", "not a task");

        TaskQueue.Claimed first = store.claimMarkingProcessing(queue, Duration.ofMinutes(1));
        TaskQueue.Claimed second = store.claimMarkingProcessing(queue, Duration.ofMinutes(1));
        TaskQueue.Claimed third = store.claimMarkingProcessing(queue, Duration.ofMinutes(1));

        assertThat(first.payload()).contains("\"retried\"");
        assertThat(first.alreadyDone()).isFalse();
        assertThat(store.find("retried")).containsEntry("status", "processing").containsEntry("attempts", 3)
                .containsEntry("error", null);
        assertThat(redis.getExpire("mailer:task:retried", TimeUnit.SECONDS)).isGreaterThan(TTL.minusMinutes(1).toSeconds());
        assertThat(second.alreadyDone()).as("a redelivery of a sent task").isTrue();
        assertThat(store.find("sent")).containsEntry("status", "sent").containsEntry("attempts", 1);
        assertThat(third.payload()).isEqualTo("not a task");
        assertThat(third.alreadyDone()).isNull();
        assertThat(queue.inflight()).as("all three claimed").isEqualTo(3);
        assertThat(store.claimMarkingProcessing(queue, Duration.ofMinutes(1))).as("empty queue").isNull();
    }

    @Test
    void should_show_the_subject_from_the_entry_while_waiting_then_from_the_record() throws Exception {
        MailTask task = created("t1", System.currentTimeMillis());
        String entry = new ObjectMapper().writeValueAsString(task);
        store.queued(task, entry, "mailer:queue", List.of());
        assertThat(store.find("t1")).as("read from the entry kept while it waits").containsEntry("subject", "Réunion");

        redis.opsForHash().delete(TaskStatusStore.key("t1"), "entry");
        assertThat(store.find("t1")).as("entry gone, nothing recorded yet").containsEntry("subject", null);

        store.sent(task, 1, false, null, "<t1@example.org>", "250 ok");
        assertThat(store.find("t1")).as("recorded with the status").containsEntry("subject", "Réunion");
        assertThat(store.search(new TaskStatusStore.Query(null, null, null, null, null, 10, null)).tasks())
                .extracting(t -> t.get("subject")).containsExactly("Réunion");
    }

    /** A task scheduled long after it was created lives until its send time plus the TTL: so does its index entry. */
    @Test
    void should_find_and_count_a_task_scheduled_longer_ago_than_the_ttl_until_it_is_sent() {
        TaskStatusStore hourly = new TaskStatusStore(redis, Duration.ofHours(1));
        Instant sendAt = Instant.now().plus(Duration.ofHours(5)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        MailTask task = created("later", System.currentTimeMillis() - Duration.ofHours(3).toMillis())
                .scheduledAt(sendAt.toString());
        hourly.queued(task);

        TaskStatusStore.Query scheduled = new TaskStatusStore.Query("scheduled", null, null, null, null, 10, null);
        assertThat(hourly.search(scheduled).tasks()).extracting(t -> t.get("task_id")).containsExactly("later");
        assertThat(hourly.search(new TaskStatusStore.Query(null, null, "alice@example.com", null, null, 10, null))
                .tasks()).extracting(t -> t.get("task_id")).containsExactly("later");
        assertThat(hourly.count("scheduled")).isEqualTo(1);
        assertThat(hourly.find("later")).containsEntry("status", "scheduled");
    }

    @Test
    void should_read_the_subject_of_an_entry_up_to_it_and_nothing_of_an_unreadable_one() {
        assertThat(TaskStatusStore.subjectOf("{\"task_id\":\"t\",\"to\":[\"a@b\"],\"headers\":{\"sujet\":\"no\"},"
                + "\"sujet\":\"<script>x</script>\",\"message\":\"unterminated")).isEqualTo("<script>x</script>");
        assertThat(TaskStatusStore.subjectOf("{\"task_id\":\"t\"}")).isNull();
        assertThat(TaskStatusStore.subjectOf("not json")).isNull();
        assertThat(TaskStatusStore.subjectOf(null)).isNull();
    }

    @Test
    void should_count_a_task_in_the_minute_given_with_its_status_change() {
        Instant at = Instant.parse("2026-12-01T09:41:59.999Z");
        long minute = at.toEpochMilli() / 60_000;
        RedisScript<Long> write = new DefaultRedisScript<>(TaskQueue.PUT + "put(KEYS[1], ARGV[1], 2, nil) return 1",
                Long.class);
        List<String> args = new ArrayList<>(List.of(Long.toString(TTL.toMillis()), "status", TaskStatusStore.SENT));
        args.addAll(TaskStatusStore.counted(TaskStatusStore.SENT, at));

        redis.execute(write, List.of(TaskStatusStore.key("t1")), args.toArray());
        redis.execute(write, List.of(TaskStatusStore.key("t2")), args.toArray());

        assertThat(TaskStatusStore.countKey(TaskStatusStore.SENT, minute)).isEqualTo("mailer:stats:sent:" + minute);
        Map<String, List<Long>> counts = store.perMinute(List.of(TaskStatusStore.SENT, TaskStatusStore.FAILED),
                minute - 1, 3);
        assertThat(counts.get(TaskStatusStore.SENT)).containsExactly(0L, 2L, 0L);
        assertThat(counts.get(TaskStatusStore.FAILED)).containsExactly(0L, 0L, 0L);
        assertThat(redis.getExpire(TaskStatusStore.countKey(TaskStatusStore.SENT, minute), TimeUnit.SECONDS))
                .as("kept two hours").isBetween(Duration.ofHours(2).toSeconds() - 60, Duration.ofHours(2).toSeconds());
    }

    @Test
    void should_count_a_task_in_the_minute_it_was_sent_or_failed_not_the_minute_it_was_created() {
        long createdMinute = System.currentTimeMillis() / 60_000 - 30;
        MailTask late = created("late", createdMinute * 60_000 + 5);
        MailTask lost = created("lost", createdMinute * 60_000 + 7);
        store.queued(late);
        store.queued(lost);
        TaskQueue queue = new TaskQueue(redis, "mailer:queue");
        redis.opsForList().leftPush("mailer:queue", "{\"task_id\":\"lost\"}");
        TaskQueue.Lease lease = queue.claim(Duration.ofMinutes(1));
        long before = System.currentTimeMillis() / 60_000;

        store.sent(late, 3, false, null, "<late@example.org>", "250 ok");
        store.failedAndDeadLettered("lost", lost, 1, "550 no such user", queue, lease, "mailer:dead", "{}");
        long after = System.currentTimeMillis() / 60_000;

        Map<String, List<Long>> counts = store.perMinute(List.of(TaskStatusStore.SENT, TaskStatusStore.FAILED),
                createdMinute, (int) (after - createdMinute + 1));
        for (String status : List.of(TaskStatusStore.SENT, TaskStatusStore.FAILED)) {
            List<Long> perMinute = counts.get(status);
            assertThat(perMinute.get(0)).as(status + ": nothing in the creation minute").isZero();
            assertThat(perMinute.stream().mapToLong(Long::longValue).sum()).as(status).isEqualTo(1);
            assertThat((long) perMinute.indexOf(1L)).as(status + ": in the minute of the change")
                    .isBetween(before - createdMinute, after - createdMinute);
        }
        assertThat(store.count(TaskStatusStore.SENT)).isEqualTo(1);
    }

    private static MailTask created(String id, long createdMs) {
        return new MailTask(id, "alice@example.com", "Réunion", "Bonjour", false, 0,
                Instant.ofEpochMilli(createdMs).toString());
    }

    @Test
    void should_delete_a_record() {
        store.queued(task("t1"));

        store.delete("t1");

        assertThat(store.find("t1")).isNull();
    }
}
