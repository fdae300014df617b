package org.camelmailer.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.message.MailTask;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.support.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The scripts of scheduled sending against a real redis-server: a scheduled entry waits in {@code <queue>:delayed}
 * until due, a cancel or a reschedule withdraws the entries queued before (the claim acknowledges them unsent), and one
 * claim moves many due entries at once.
 */
class TaskScheduleTest {

    private static final String QUEUE = "mailer:queue";
    private static final Duration TTL = Duration.ofHours(24);
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    StringRedisTemplate redis;
    TaskStatusStore statuses;
    TaskQueue queue;

    @BeforeEach
    void emptyRedis() {
        redis = REDIS.redis();
        statuses = new TaskStatusStore(redis, TTL);
        queue = new TaskQueue(redis, QUEUE);
    }

    private static MailTask task(String id, Instant sendAt) {
        return new MailTask(id, "alice@example.com", "Réunion", "Bonjour", false, 0, Instant.now().toString())
                .scheduledAt(sendAt == null ? null : sendAt.toString());
    }

    /** What the API does: the record, then the entry onto the queue or into its delayed set. */
    private void admit(MailTask task) throws Exception {
        String entry = JSON.writeValueAsString(task);
        statuses.queued(task, JSON.writeValueAsString(task.unscheduled()), QUEUE, List.of());
        if (task.sendAt() == null) {
            redis.opsForList().leftPush(QUEUE, entry);
        } else {
            redis.opsForZSet().add(QUEUE + ":delayed", entry, Instant.parse(task.sendAt()).toEpochMilli());
        }
    }

    private TaskQueue.Claimed claim() {
        return statuses.claimMarkingProcessing(queue, LEASE);
    }

    @Test
    void should_keep_a_scheduled_task_out_of_the_queue_until_it_is_due() throws Exception {
        Instant due = Instant.now().plusMillis(1500).truncatedTo(ChronoUnit.MILLIS);
        MailTask task = task("later", due);
        admit(task);

        assertThat(statuses.find("later")).containsEntry("status", "scheduled").containsEntry("send_at", due.toString());
        assertThat(redis.getExpire(TaskStatusStore.key("later"))).as("kept until its send time plus the TTL")
                .isGreaterThan(TTL.toSeconds());
        assertThat(claim()).isNull();

        TaskQueue.Claimed claimed = await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(this::claim, c -> c != null);

        assertThat(Instant.now()).isAfterOrEqualTo(due);
        assertThat(claimed.alreadyDone()).isFalse();
        assertThat(claimed.withdrawn()).isFalse();
        assertThat(JSON.readValue(claimed.payload(), MailTask.class).sendAt()).isEqualTo(due.toString());
        assertThat(statuses.find("later")).containsEntry("status", "processing");
        assertThat(statuses.find("later")).as("read from the entry while the task is in hand")
                .containsEntry("subject", task.sujet());
        statuses.sentAndAcknowledged(task, 1, false, null, "<later@x>", "250 ok", queue, claimed.lease());
        assertThat(redis.opsForHash().hasKey(TaskStatusStore.key("later"), "entry"))
                .as("the entry kept for a reschedule goes once the task is settled").isFalse();
        assertThat(statuses.events("later")).extracting(e -> e.get("event"))
                .containsExactly("scheduled", "processing", "sent");
    }

    @Test
    void should_acknowledge_a_cancelled_task_unsent_when_it_is_claimed() throws Exception {
        admit(task("gone", null));

        TaskStatusStore.Change change = statuses.cancel("gone");

        assertThat(change.statusFound()).isEqualTo("queued");
        assertThat(change.changed()).isTrue();
        TaskQueue.Claimed claimed = claim();
        assertThat(claimed.alreadyDone()).isTrue();
        assertThat(claimed.withdrawn()).isTrue();
        assertThat(statuses.find("gone")).containsEntry("status", "cancelled").containsEntry("attempts", 0);
        assertThat(statuses.events("gone")).extracting(e -> e.get("event")).containsExactly("queued", "cancelled");
        assertThat(redis.opsForZSet().rank("mailer:index:status:cancelled", "gone")).isNotNull();
        assertThat(redis.opsForZSet().rank("mailer:index:status:queued", "gone")).isNull();
    }

    @Test
    void should_cancel_only_a_waiting_task() throws Exception {
        admit(task("busy", null));
        claim();

        assertThat(statuses.cancel("busy")).isEqualTo(new TaskStatusStore.Change("processing", false));
        assertThat(statuses.cancel("nobody")).isEqualTo(new TaskStatusStore.Change(null, false));
        assertThat(statuses.find("busy")).containsEntry("status", "processing");
    }

    @Test
    void should_cancel_a_task_waiting_for_a_retry() throws Exception {
        admit(task("again", null));
        TaskQueue.Claimed claimed = claim();
        MailTask task = JSON.readValue(claimed.payload(), MailTask.class);
        statuses.retryingAndDelayed(task, 1, "451 later", queue, claimed.lease(),
                JSON.writeValueAsString(task.nextAttempt()), Duration.ofMillis(200));

        assertThat(statuses.cancel("again").changed()).isTrue();

        TaskQueue.Claimed retried = await().atMost(Duration.ofSeconds(3)).until(this::claim, c -> c != null);
        assertThat(retried.withdrawn()).isTrue();
        assertThat(statuses.find("again")).containsEntry("status", "cancelled");
    }

    @Test
    void should_withdraw_the_earlier_entry_of_a_rescheduled_task() throws Exception {
        admit(task("moved", null));
        Instant later = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);

        TaskStatusStore.Change change = statuses.reschedule("moved", later);

        assertThat(change.changed()).isTrue();
        assertThat(statuses.find("moved")).containsEntry("status", "scheduled").containsEntry("send_at", later.toString());
        TaskQueue.Claimed old = claim();
        assertThat(old.withdrawn()).as("the queued entry, version 0").isTrue();
        assertThat(statuses.find("moved")).containsEntry("status", "scheduled");
        List<String> waiting = new ArrayList<>(redis.opsForZSet().range(QUEUE + ":delayed", 0, -1));
        assertThat(waiting).hasSize(1);
        MailTask rescheduled = JSON.readValue(waiting.get(0), MailTask.class);
        assertThat(rescheduled.version()).isEqualTo(1);
        assertThat(rescheduled.sendAt()).isEqualTo(later.toString());
        assertThat(redis.opsForZSet().score(QUEUE + ":delayed", waiting.get(0))).isEqualTo((double) later.toEpochMilli());

        // and back to now: onto the queue as version 2, the one a claim works on
        assertThat(statuses.reschedule("moved", null).changed()).isTrue();
        assertThat(statuses.find("moved")).containsEntry("status", "queued");
        TaskQueue.Claimed now = claim();
        assertThat(now.withdrawn()).isFalse();
        assertThat(now.alreadyDone()).isFalse();
        MailTask current = JSON.readValue(now.payload(), MailTask.class);
        assertThat(current.version()).isEqualTo(2);
        assertThat(current.sendAt()).isNull();
        assertThat(current.sujet()).isEqualTo("Réunion");
        assertThat(statuses.find("moved")).containsEntry("status", "processing");
        assertThat(statuses.events("moved")).extracting(e -> e.get("event"))
                .containsExactly("queued", "scheduled", "scheduled", "processing");

        // version 1 falls due some day: withdrawn too
        redis.opsForZSet().add(QUEUE + ":delayed", waiting.get(0), 0);
        assertThat(claim().withdrawn()).isTrue();
    }

    @Test
    void should_reschedule_only_a_scheduled_or_queued_task() throws Exception {
        admit(task("busy", null));
        claim();

        TaskStatusStore.Change change = statuses.reschedule("busy", Instant.now().plusSeconds(60));

        assertThat(change.changed()).isFalse();
        assertThat(change.statusFound()).isEqualTo("processing");
        assertThat(statuses.reschedule("nobody", null).statusFound()).isNull();
        assertThat(statuses.reschedule("busy", null).changed()).isFalse();
        assertThat(statuses.cancel("busy").changed()).isFalse();
    }

    @Test
    void should_move_a_thousand_due_entries_per_claim() throws Exception {
        long base = Instant.now().minusSeconds(10).toEpochMilli();
        for (int i = 0; i < 2500; i++) {
            redis.opsForZSet().add(QUEUE + ":delayed", "{\"task_id\":\"t" + i + "\"}", base + i);
        }

        TaskQueue.Lease first = queue.claim(LEASE);

        assertThat(first.payload()).isEqualTo("{\"task_id\":\"t0\"}");
        assertThat(redis.opsForList().size(QUEUE)).isEqualTo(999);
        assertThat(redis.opsForZSet().zCard(QUEUE + ":delayed")).isEqualTo(1500);
        // the next thousand go where due entries go, to the end taken first (as due retries do): earliest first among them
        assertThat(queue.claim(LEASE).payload()).isEqualTo("{\"task_id\":\"t1000\"}");
        assertThat(redis.opsForList().size(QUEUE)).isEqualTo(1998);
        assertThat(redis.opsForList().index(QUEUE, 0)).isEqualTo("{\"task_id\":\"t999\"}");
    }

    @Test
    void should_keep_a_scheduled_record_and_show_send_at() throws Exception {
        Instant due = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        admit(task("far", due));

        Map<String, Object> view = statuses.find("far");

        assertThat(view).containsEntry("status", "scheduled").containsEntry("send_at", due.toString());
        assertThat(redis.getExpire(TaskStatusStore.key("far"))).isGreaterThan(Duration.ofDays(30).toSeconds());
        assertThat(statuses.events("far").get(0)).containsEntry("event", "scheduled").containsEntry("send_at",
                due.toString());
    }
}
