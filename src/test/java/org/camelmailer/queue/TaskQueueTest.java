package org.camelmailer.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.camelmailer.support.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The reliable queue against a real redis-server process. */
class TaskQueueTest {

    private static final String KEY = "mailer:queue";
    private static final Duration LONG_LEASE = Duration.ofMinutes(1);

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    static StringRedisTemplate redis;

    TaskQueue queue;

    @BeforeEach
    void emptyRedis() {
        redis = REDIS.redis();
        queue = new TaskQueue(redis, KEY);
    }

    /** What a producer does (the spring-redis endpoint's LPUSH). */
    private static void push(String... payloads) {
        for (String p : payloads) {
            redis.opsForList().leftPush(KEY, p);
        }
    }

    private static String task(String id) {
        return "{\"task_id\":\"" + id + "\",\"destinataire\":\"alice@example.com\",\"sujet\":\"Réunion\","
                + "\"message\":\"m\",\"enhance_content\":false,\"attempt\":0,\"created_at\":\"2025-01-01T00:00:00Z\"}";
    }

    @Test
    void should_hand_out_the_oldest_entry_first() {
        push(task("first"), task("second"));

        assertThat(queue.claim(LONG_LEASE).payload()).isEqualTo(task("first"));
        assertThat(queue.claim(LONG_LEASE).payload()).isEqualTo(task("second"));
    }

    @Test
    void should_return_null_when_the_queue_is_empty() {
        assertThat(queue.claim(LONG_LEASE)).isNull();
    }

    @Test
    void should_hold_a_claimed_entry_as_inflight() {
        push(task("a"));

        TaskQueue.Lease lease = queue.claim(LONG_LEASE);

        assertThat(queue.inflight()).isEqualTo(1);
        assertThat(queue.depth()).isZero();
        assertThat(lease.payload()).isEqualTo(task("a"));
        assertThat(lease.member()).as("a member of its own per claim").matches("[0-9a-z]+\\.1\\|\\{.*")
                .endsWith("|" + task("a"));
        assertThat(redis.opsForZSet().score(KEY + ":inflight", lease.member())).isNotNull();
    }

    @Test
    void should_forget_an_acknowledged_entry() {
        push(task("a"));
        TaskQueue.Lease lease = queue.claim(LONG_LEASE);

        assertThat(queue.acknowledge(lease)).isTrue();

        assertThat(queue.inflight()).isZero();
        assertThat(queue.acknowledge(lease)).as("second acknowledge").isFalse();
    }

    @Test
    void should_not_hand_out_an_entry_again_while_its_lease_runs() {
        push(task("a"));
        queue.claim(LONG_LEASE);

        assertThat(queue.claim(LONG_LEASE)).isNull();
    }

    @Test
    void should_hand_out_an_entry_again_when_its_lease_runs_out() {
        push(task("a"));
        TaskQueue.Lease first = queue.claim(Duration.ofMillis(200));

        TaskQueue.Lease second = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> queue.claim(LONG_LEASE), java.util.Objects::nonNull);

        assertThat(second.payload()).isEqualTo(first.payload());
        assertThat(second.member()).isNotEqualTo(first.member());
        assertThat(queue.inflight()).isEqualTo(1);
        assertThat(queue.depth()).isZero();
    }

    /** The fence: a holder whose lease ran out and was claimed again can no longer touch the entry. */
    @Test
    void should_leave_the_new_claimer_alone_when_an_expired_holder_settles() {
        push(task("a"));
        TaskQueue.Lease expired = queue.claim(Duration.ofMillis(100));
        TaskQueue.Lease current = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> queue.claim(LONG_LEASE), java.util.Objects::nonNull);

        assertThat(queue.renew(expired, LONG_LEASE)).as("renew").isFalse();
        assertThat(queue.acknowledge(expired)).as("acknowledge").isFalse();
        assertThat(queue.retryLater(expired, task("a"), Duration.ZERO)).as("retry").isFalse();
        assertThat(queue.moveTo(expired, "mailer:dead", "record")).as("dead letter").isFalse();

        assertThat(redis.opsForZSet().range(KEY + ":inflight", 0, -1)).containsExactly(current.member());
        assertThat(queue.depth()).isZero();
        assertThat(redis.hasKey("mailer:dead")).isFalse();
        assertThat(queue.renew(current, LONG_LEASE)).isTrue();
        assertThat(queue.acknowledge(current)).isTrue();
    }

    @Test
    void should_hand_back_an_expired_entry_left_by_a_version_without_lease_members() {
        // an entry an older version leased under its own text: reaped as itself
        redis.opsForZSet().add(KEY + ":inflight", task("old"), 0);

        assertThat(queue.claim(LONG_LEASE).payload()).isEqualTo(task("old"));
    }

    @Test
    void should_keep_a_renewed_lease_past_its_first_deadline() {
        push(task("a"));
        TaskQueue.Lease lease = queue.claim(Duration.ofMillis(300));

        assertThat(queue.renew(lease, Duration.ofSeconds(10))).isTrue();

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> queue.claim(LONG_LEASE) == null);
        assertThat(queue.acknowledge(lease)).isTrue();
    }

    @Test
    void should_renew_a_held_lease_however_soon_after_the_claim_or_the_last_renewal() {
        push(task("a"));
        TaskQueue.Lease lease = queue.claim(LONG_LEASE);

        // a few hundred renewals in a row: many fall in the millisecond of the one before (or of the claim)
        for (int i = 0; i < 300; i++) {
            assertThat(queue.renew(lease, LONG_LEASE)).as("renewal %d", i).isTrue();
        }
    }

    @Test
    void should_refuse_to_renew_an_entry_that_is_not_held() {
        assertThat(queue.renew(TaskQueue.Lease.of("7|" + task("nobody")), LONG_LEASE)).isFalse();
        assertThat(queue.inflight()).isZero();
    }

    @Test
    void should_hide_a_retried_entry_until_it_is_due_then_hand_out_the_new_payload() {
        push(task("a"));
        TaskQueue.Lease lease = queue.claim(LONG_LEASE);
        String next = task("a").replace("\"attempt\":0", "\"attempt\":1");

        assertThat(queue.retryLater(lease, next, Duration.ofSeconds(1))).isTrue();

        assertThat(queue.inflight()).isZero();
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.claim(LONG_LEASE)).as("claim before the delay").isNull();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> queue.claim(LONG_LEASE), l -> l != null && next.equals(l.payload()));
    }

    @Test
    void should_not_retry_an_entry_that_is_not_held() {
        assertThat(queue.retryLater(TaskQueue.Lease.of("1|" + task("a")), task("a"), Duration.ZERO)).isFalse();
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_move_a_held_entry_to_the_dead_letter_list() {
        push(task("a"));
        TaskQueue.Lease lease = queue.claim(LONG_LEASE);

        assertThat(queue.moveTo(lease, "mailer:dead", "{\"task_id\":\"a\",\"error\":\"550\"}")).isTrue();

        assertThat(redis.opsForList().range("mailer:dead", 0, -1)).containsExactly("{\"task_id\":\"a\",\"error\":\"550\"}");
        assertThat(queue.inflight()).isZero();
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_not_dead_letter_an_entry_that_is_not_held() {
        assertThat(queue.moveTo(TaskQueue.Lease.of("1|" + task("a")), "mailer:dead", "record")).isFalse();
        assertThat(redis.hasKey("mailer:dead")).isFalse();
    }

    @Test
    void should_count_ready_and_delayed_entries_but_not_inflight_ones_in_depth() {
        push(task("a"), task("b"), task("c"));
        TaskQueue.Lease a = queue.claim(LONG_LEASE);
        queue.claim(LONG_LEASE);
        queue.retryLater(a, a.payload(), Duration.ofMinutes(5));

        assertThat(queue.depth()).isEqualTo(2);
        assertThat(queue.inflight()).isEqualTo(1);
    }

    @Test
    void should_never_hand_the_same_entry_to_two_concurrent_claimers() throws Exception {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(task("t" + i));
        }
        redis.opsForList().leftPushAll(KEY, all);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<List<String>>> claimers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                claimers.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    List<String> mine = new ArrayList<>();
                    for (TaskQueue.Lease l = queue.claim(LONG_LEASE); l != null; l = queue.claim(LONG_LEASE)) {
                        mine.add(l.payload());
                    }
                    return mine;
                }, threads));
            }
            start.countDown();
            List<String> first = claimers.get(0).get(20, TimeUnit.SECONDS);
            List<String> second = claimers.get(1).get(20, TimeUnit.SECONDS);

            Set<String> union = new HashSet<>(first);
            union.addAll(second);
            assertThat(first.size() + second.size()).isEqualTo(200);
            assertThat(union).containsExactlyInAnyOrderElementsOf(all);
            assertThat(queue.inflight()).isEqualTo(200);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void should_store_entries_as_plain_json_text() {
        push(task("held"), task("later"), task("ready"));
        TaskQueue.Lease held = queue.claim(LONG_LEASE);
        TaskQueue.Lease later = queue.claim(LONG_LEASE);
        queue.retryLater(later, later.payload(), Duration.ofMinutes(5));

        List<byte[]> raw = redis.execute((RedisCallback<List<byte[]>>) c -> {
            List<byte[]> all = new ArrayList<>(c.listCommands().lRange(bytes(KEY), 0, -1));
            all.addAll(c.zSetCommands().zRange(bytes(KEY + ":inflight"), 0, -1));
            all.addAll(c.zSetCommands().zRange(bytes(KEY + ":delayed"), 0, -1));
            return all;
        });

        assertThat(raw).hasSize(3);
        // a held entry is its lease token, '|' and the entry's JSON text
        assertThat(raw).map(b -> new String(b, StandardCharsets.UTF_8).replaceFirst("^[0-9a-z.]+\\|", "")).allSatisfy(text ->
                assertThat(text).as("no Java serialisation header").startsWith("{\"task_id\":"));
        assertThat(raw).map(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(task("ready"), held.member(), later.payload());
        assertThat(raw).noneSatisfy(b -> assertThat(b).startsWith((byte) 0xAC, (byte) 0xED));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
