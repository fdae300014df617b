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

        assertThat(queue.claim(LONG_LEASE)).isEqualTo(task("first"));
        assertThat(queue.claim(LONG_LEASE)).isEqualTo(task("second"));
    }

    @Test
    void should_return_null_when_the_queue_is_empty() {
        assertThat(queue.claim(LONG_LEASE)).isNull();
    }

    @Test
    void should_hold_a_claimed_entry_as_inflight() {
        push(task("a"));

        String payload = queue.claim(LONG_LEASE);

        assertThat(queue.inflight()).isEqualTo(1);
        assertThat(queue.depth()).isZero();
        assertThat(redis.opsForZSet().score(KEY + ":inflight", payload)).isNotNull();
    }

    @Test
    void should_forget_an_acknowledged_entry() {
        push(task("a"));
        String payload = queue.claim(LONG_LEASE);

        assertThat(queue.acknowledge(payload)).isTrue();

        assertThat(queue.inflight()).isZero();
        assertThat(queue.acknowledge(payload)).as("second acknowledge").isFalse();
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
        String payload = queue.claim(Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> queue.claim(LONG_LEASE), p -> payload.equals(p));

        assertThat(queue.inflight()).isEqualTo(1);
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_keep_a_renewed_lease_past_its_first_deadline() {
        push(task("a"));
        String payload = queue.claim(Duration.ofMillis(300));

        assertThat(queue.renew(payload, Duration.ofSeconds(10))).isTrue();

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> queue.claim(LONG_LEASE) == null);
        assertThat(queue.acknowledge(payload)).isTrue();
    }

    @Test
    void should_refuse_to_renew_an_entry_that_is_not_held() {
        assertThat(queue.renew(task("nobody"), LONG_LEASE)).isFalse();
        assertThat(queue.inflight()).isZero();
    }

    @Test
    void should_hide_a_retried_entry_until_it_is_due_then_hand_out_the_new_payload() {
        push(task("a"));
        String payload = queue.claim(LONG_LEASE);
        String next = task("a").replace("\"attempt\":0", "\"attempt\":1");

        assertThat(queue.retryLater(payload, next, Duration.ofSeconds(1))).isTrue();

        assertThat(queue.inflight()).isZero();
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.claim(LONG_LEASE)).as("claim before the delay").isNull();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> queue.claim(LONG_LEASE), next::equals);
    }

    @Test
    void should_not_retry_an_entry_that_is_not_held() {
        assertThat(queue.retryLater(task("a"), task("a"), Duration.ZERO)).isFalse();
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_move_a_held_entry_to_the_dead_letter_list() {
        push(task("a"));
        String payload = queue.claim(LONG_LEASE);

        assertThat(queue.moveTo(payload, "mailer:dead", "{\"task_id\":\"a\",\"error\":\"550\"}")).isTrue();

        assertThat(redis.opsForList().range("mailer:dead", 0, -1)).containsExactly("{\"task_id\":\"a\",\"error\":\"550\"}");
        assertThat(queue.inflight()).isZero();
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_not_dead_letter_an_entry_that_is_not_held() {
        assertThat(queue.moveTo(task("a"), "mailer:dead", "record")).isFalse();
        assertThat(redis.hasKey("mailer:dead")).isFalse();
    }

    @Test
    void should_count_ready_and_delayed_entries_but_not_inflight_ones_in_depth() {
        push(task("a"), task("b"), task("c"));
        String a = queue.claim(LONG_LEASE);
        queue.claim(LONG_LEASE);
        queue.retryLater(a, a, Duration.ofMinutes(5));

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
                    for (String p = queue.claim(LONG_LEASE); p != null; p = queue.claim(LONG_LEASE)) {
                        mine.add(p);
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
        String held = queue.claim(LONG_LEASE);
        String later = queue.claim(LONG_LEASE);
        queue.retryLater(later, later, Duration.ofMinutes(5));

        List<byte[]> raw = redis.execute((RedisCallback<List<byte[]>>) c -> {
            List<byte[]> all = new ArrayList<>(c.listCommands().lRange(bytes(KEY), 0, -1));
            all.addAll(c.zSetCommands().zRange(bytes(KEY + ":inflight"), 0, -1));
            all.addAll(c.zSetCommands().zRange(bytes(KEY + ":delayed"), 0, -1));
            return all;
        });

        assertThat(raw).hasSize(3);
        assertThat(raw).allSatisfy(b -> {
            assertThat(b[0]).as("no Java serialisation header").isEqualTo((byte) '{');
            assertThat(new String(b, StandardCharsets.UTF_8)).startsWith("{\"task_id\":");
        });
        assertThat(raw).map(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(task("ready"), held, later);
        assertThat(raw).noneSatisfy(b -> assertThat(b).startsWith((byte) 0xAC, (byte) 0xED));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
