package org.camelmailer.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.camelmailer.message.MailTask;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.support.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Events written with each record change, the webhook outbox beside them, and the search indexes. */
class TaskHistoryTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    static final Duration TTL = Duration.ofHours(1);

    StringRedisTemplate redis;
    TaskStatusStore store;
    List<String> told = new ArrayList<>();

    @BeforeEach
    void emptyRedis() {
        redis = REDIS.redis();
        // an outbox that wants sent and failed, as MAILER_WEBHOOK_EVENTS's default
        store = new TaskStatusStore(redis, TTL, (event, at, data) -> List.of("sent", "failed").contains(event)
                ? List.<String[]>of(new String[] {"outbox", event + " " + data.get("task_id") + " #%SEQ%"}) : List.of());
    }

    private static MailTask task(String id, Instant created, List<String> tags, String... to) {
        return new MailTask(id, List.of(to), null, List.of("audit@example.org"), null, null, "s", "m", null, null,
                null, tags, Map.of("k", id), null, false, 0, created.toString(), false);
    }

    @Test
    void should_keep_every_change_of_a_task_as_an_event_in_order() {
        TaskQueue queue = new TaskQueue(redis, "q");
        MailTask task = task("t1", Instant.now(), List.of("promo"), "Alice <alice@example.org>");
        store.queued(task);
        redis.opsForList().leftPush("q", "{\"task_id\":\"t1\",\"attempt\":0}");
        TaskQueue.Claimed first = queue.claim(Duration.ofMinutes(1), store);
        store.retryingAndDelayed(task, 1, "451 4.3.0 later", queue, first.lease(), "{\"task_id\":\"t1\",\"attempt\":1}",
                Duration.ZERO);
        TaskQueue.Claimed second = queue.claim(Duration.ofMinutes(1), store);
        store.sentAndAcknowledged(task.nextAttempt(), 2, false, null, "<t1@example.org>", "250 2.0.0 Ok: queued as X1", queue, second.lease());

        List<Map<String, Object>> events = store.events("t1");
        assertThat(events).extracting(e -> e.get("event"))
                .containsExactly("queued", "processing", "retrying", "processing", "sent");
        assertThat(events).extracting(e -> e.get("sequence")).containsExactly(1, 2, 3, 4, 5);
        assertThat(events).extracting(e -> e.get("attempt")).containsExactly(0, 1, 1, 2, 2);
        assertThat(events.get(2)).containsEntry("error", "451 4.3.0 later").containsKey("next_attempt_at");
        assertThat(events.get(4)).containsEntry("message_id", "<t1@example.org>")
                .containsEntry("smtp_reply", "250 2.0.0 Ok: queued as X1");
        assertThat(Instant.parse((String) events.get(4).get("at"))).isAfterOrEqualTo(
                Instant.parse((String) events.get(0).get("at")));
        assertThat(redis.opsForList().range("outbox", 0, -1)).containsExactly("sent t1 #5");
        // through queued, processing, retrying and processing again, the task is in the index of its last status only
        for (String status : TaskEvents.STATUSES) {
            assertThat(redis.opsForZSet().score("mailer:index:status:" + status, "t1")).as(status)
                    .isEqualTo(status.equals("sent") ? (double) Instant.parse(task.createdAt()).toEpochMilli() : null);
        }
        assertThat(store.events("unknown")).isNull();
    }

    /** The script replaces %ID%, %SEQ% and %ATTEMPT% in what it writes: a sender's or a server's own stay as written. */
    @Test
    void should_keep_percent_placeholders_of_the_data_as_written_in_events_and_webhook_jobs() throws Exception {
        org.camelmailer.webhook.WebhookJobs jobs = org.camelmailer.webhook.WebhookJobs.of("http://127.0.0.1:9/hook",
                "processing,retrying");
        TaskStatusStore hooked = new TaskStatusStore(redis, TTL, jobs.outbox());
        TaskQueue queue = new TaskQueue(redis, "q");
        MailTask task = new MailTask("t%", List.of("bob@example.org"), null, null, null, null, "s", "m", null, null,
                null, List.of("50%ID%"), Map.of("note", "%SEQ% %ATTEMPT% 100%"), null, false, 0,
                Instant.now().toString(), false);
        hooked.queued(task);
        redis.opsForList().leftPush("q", "{\"task_id\":\"t%\",\"attempt\":0}");
        TaskQueue.Claimed claim = queue.claim(Duration.ofMinutes(1), hooked);
        hooked.retryingAndDelayed(task, 1, "451 4.3.0 %ID% busy %SEQ%", queue, claim.lease(),
                "{\"task_id\":\"t%\",\"attempt\":1}", Duration.ZERO);

        assertThat(hooked.events("t%").get(2)).containsEntry("error", "451 4.3.0 %ID% busy %SEQ%")
                .containsEntry("sequence", 3);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> pushed = new ArrayList<>();
        for (String job : redis.opsForList().range(org.camelmailer.webhook.WebhookJobs.QUEUE, 0, -1)) {
            pushed.add(json.readTree(job).path("data"));
        }
        // LPUSH: the newest first
        assertThat(pushed).hasSize(2);
        assertThat(pushed.get(1).path("task_id").textValue()).as("the placeholder of a record's id").isEqualTo("t%");
        assertThat(pushed.get(1).path("sequence").intValue()).isEqualTo(2);
        assertThat(pushed.get(1).path("attempt").intValue()).isEqualTo(1);
        assertThat(pushed.get(0).path("error").textValue()).isEqualTo("451 4.3.0 %ID% busy %SEQ%");
        assertThat(pushed.get(0).path("tags").get(0).textValue()).isEqualTo("50%ID%");
        assertThat(pushed.get(0).path("metadata").path("note").textValue()).isEqualTo("%SEQ% %ATTEMPT% 100%");
    }

    @Test
    void should_keep_the_last_200_events_of_a_task_with_their_numbers() {
        MailTask task = task("t200", Instant.now(), List.of(), "bob@example.org");
        store.queued(task);
        for (int i = 0; i < 204; i++) {
            store.redriven(task.restarted());
        }

        List<Map<String, Object>> events = store.events("t200");
        assertThat(events).hasSize(200);
        assertThat(events.get(0)).containsEntry("sequence", 6);
        assertThat(events.get(199)).containsEntry("sequence", 205).containsEntry("event", "redriven");
    }

    @Test
    void should_record_a_dead_letter_and_its_redrive() {
        TaskQueue queue = new TaskQueue(redis, "q");
        MailTask task = task("t2", Instant.now(), List.of(), "bob@example.org");
        store.queued(task);
        redis.opsForList().leftPush("q", "{\"task_id\":\"t2\",\"attempt\":0}");
        TaskQueue.Claimed claim = queue.claim(Duration.ofMinutes(1), store);
        store.failedAndDeadLettered("t2", task, 1, "550 5.1.1 no such user", queue, claim.lease(), "dead", "{}");
        store.redriven(task.restarted());

        assertThat(store.events("t2")).extracting(e -> e.get("event"))
                .containsExactly("queued", "processing", "failed", "dead_lettered", "redriven");
        assertThat(redis.opsForList().range("outbox", 0, -1)).containsExactly("failed t2 #3");
        assertThat(store.find("t2")).containsEntry("status", "queued");
    }

    @Test
    void should_find_tasks_newest_first_by_status_tag_recipient_and_time_a_page_at_a_time() {
        Instant t0 = Instant.now().minusSeconds(100);
        for (int i = 0; i < 30; i++) {
            store.queued(task(String.format("id%02d", i), t0.plusSeconds(i), i % 3 == 0 ? List.of("promo") : List.of(),
                    i % 2 == 0 ? "Even <even@example.org>" : "odd@example.org"));
        }
        // a batch: the same millisecond for several tasks
        Instant same = t0.plusSeconds(50);
        for (String id : List.of("b1", "b2", "b3")) {
            store.queued(task(id, same, List.of("lot"), "lot@example.org"));
        }
        TaskQueue queue = new TaskQueue(redis, "q");
        redis.opsForList().leftPush("q", "{\"task_id\":\"id05\",\"attempt\":0}");
        TaskQueue.Claimed claim = queue.claim(Duration.ofMinutes(1), store);
        store.sentAndAcknowledged(task("id05", t0.plusSeconds(5), List.of(), "odd@example.org"), 1, false, null, null,
                null, queue, claim.lease());

        assertThat(ids(store.search(query(null, null, null, null, null, 100, null)).tasks())).hasSize(33)
                .startsWith("b3", "b2", "b1", "id29").endsWith("id00");
        assertThat(ids(store.search(query("sent", null, null, null, null, 10, null)).tasks())).containsExactly("id05");
        assertThat(ids(store.search(query("queued", null, null, null, null, 100, null)).tasks())).hasSize(32)
                .doesNotContain("id05");
        assertThat(ids(store.search(query(null, "promo", null, null, null, 100, null)).tasks()))
                .containsExactly("id27", "id24", "id21", "id18", "id15", "id12", "id09", "id06", "id03", "id00");
        assertThat(ids(store.search(query(null, null, "EVEN@example.org", null, null, 100, null)).tasks()))
                .hasSize(15).allMatch(id -> Integer.parseInt(id.substring(2)) % 2 == 0);
        assertThat(ids(store.search(query("queued", "promo", "even@example.org", null, null, 100, null)).tasks()))
                .containsExactly("id24", "id18", "id12", "id06", "id00");
        assertThat(ids(store.search(query(null, null, "audit@example.org", t0.plusSeconds(10).toEpochMilli(),
                t0.plusSeconds(12).toEpochMilli(), 100, null)).tasks())).containsExactly("id12", "id11", "id10");

        // pages of 2 through a batch of equal times: every task once, in order
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            TaskStatusStore.Page page = store.search(query(null, null, null, null, null, 2, cursor));
            paged.addAll(ids(page.tasks()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(paged).isEqualTo(ids(store.search(query(null, null, null, null, null, 100, null)).tasks()));
    }

    @Test
    void should_forget_index_entries_whose_records_expired() {
        store.queued(task("gone", Instant.now(), List.of("x"), "a@example.org"));
        store.queued(task("kept", Instant.now(), List.of("x"), "a@example.org"));
        redis.delete("mailer:task:gone");

        assertThat(ids(store.search(query(null, "x", null, null, null, 10, null)).tasks())).containsExactly("kept");
        assertThat(redis.opsForZSet().range("mailer:index:tag:x", 0, -1)).containsExactly("kept");
    }

    private static TaskStatusStore.Query query(String status, String tag, String recipient, Long since, Long until,
                                               int limit, String cursor) {
        return new TaskStatusStore.Query(status, tag, recipient, since, until, limit, cursor);
    }

    private static List<String> ids(List<Map<String, Object>> tasks) {
        return tasks.stream().map(t -> (String) t.get("task_id")).toList();
    }
}
