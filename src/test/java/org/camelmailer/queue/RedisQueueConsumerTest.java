package org.camelmailer.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.status.TaskStatusStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code redis-queue:} consumer in a bare Camel context, against a real redis-server process. */
class RedisQueueConsumerTest {

    RedisServerProcess redis;
    DefaultCamelContext camel;
    final List<String> handled = new CopyOnWriteArrayList<>();
    final List<String> started = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = new RedisServerProcess();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("redisTemplate", redis.redis());
        camel.getRegistry().bind("statuses", new TaskStatusStore(redis.redis(), Duration.ofHours(1)));
        camel.addComponent("redis-queue", new RedisQueueComponent());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // two worker threads polling every 20 ms: a lease that ran out would be claimed again at once
                from("redis-queue:jobs?concurrentConsumers=2&visibilityTimeout=300ms&pollDelay=20ms")
                        .process(e -> {
                            handled.add(e.getIn().getBody(String.class));
                            Thread.sleep(1_500); // work that outlasts the lease five times over
                        });
                // claims that mark the task's status record in the same round trip
                from("redis-queue:marked?claimRecords=#statuses&pollDelay=20ms")
                        .process(e -> handled.add(e.getIn().getBody(String.class) + " alreadySent="
                                + e.getProperty(RedisQueueConsumer.CLAIM, Claim.class).alreadyDone()));
                // a route that waits asynchronously (as a delayed Gemini retry does): its thread goes back meanwhile
                from("redis-queue:waiting?concurrentConsumers=2&visibilityTimeout=1m&pollDelay=20ms")
                        .process(e -> started.add(e.getIn().getBody(String.class)))
                        .delay(1_000).asyncDelayed()
                        .process(e -> handled.add(e.getIn().getBody(String.class)));
                // a route that acknowledges the entry along with a write of its own (TaskLifecycle.sent does)
                from("redis-queue:settled?visibilityTimeout=1m&pollDelay=20ms")
                        .process(e -> {
                            handled.add(e.getIn().getBody(String.class));
                            e.getProperty(RedisQueueConsumer.CLAIM, Claim.class).settled();
                        });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        redis.close();
    }

    @Test
    void should_renew_the_lease_of_a_task_in_hand_so_no_other_thread_takes_it() {
        redis.redis().opsForList().leftPush("jobs", "slow task");

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
        // still held (renewed), never handed out a second time, and gone once done
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(2))
                .until(() -> redis.redis().opsForZSet().zCard("jobs:inflight") == 1 && handled.size() == 1);
        await().atMost(Duration.ofSeconds(3)).until(() -> redis.redis().opsForZSet().zCard("jobs:inflight") == 0);
        assertThat(handled).containsExactly("slow task");
        assertThat(redis.redis().opsForList().size("jobs")).isZero();
    }

    @Test
    void should_hold_as_many_tasks_as_concurrent_consumers_while_they_wait_asynchronously_and_settle_them_after() {
        for (String task : List.of("w1", "w2", "w3")) {
            redis.redis().opsForList().leftPush("waiting", task);
        }

        // two in hand, waiting on no thread of the consumer's; the third waits for a place, not for a thread
        await().atMost(Duration.ofSeconds(2)).until(() -> started.size() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofMillis(800)).until(() -> started.size() == 2);
        // idle in their pool: none awaits the exchange it started (Camel's await manager would hold it)
        assertThat(Thread.getAllStackTraces().entrySet()).filteredOn(t -> t.getKey().getName().contains("redis-queue-worker"))
                .hasSize(2).allSatisfy(t -> assertThat(t.getValue()).noneMatch(frame -> frame.getClassName()
                        .startsWith("org.apache.camel.") || frame.getClassName().startsWith("org.camelmailer.")));

        // done on the delayer's thread: settled there, and the places given back
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
        await().atMost(Duration.ofSeconds(2)).until(() -> redis.redis().opsForZSet().zCard("waiting:inflight") == 0);
        assertThat(redis.redis().opsForList().size("waiting")).isZero();
    }

    @Test
    void should_not_acknowledge_again_what_the_route_acknowledged_itself() {
        redis.redis().opsForList().leftPush("settled", "task settled by its route");

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
        // this route only claims to have acknowledged: the entry stays held, so the consumer sent no ZREM of its own
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
                .until(() -> redis.redis().opsForZSet().zCard("settled:inflight") == 1);
    }

    @Test
    void should_tell_the_route_what_a_marking_claim_found() {
        redis.redis().opsForHash().put("mailer:task:m1", "status", "queued");
        redis.redis().opsForList().leftPush("marked", "{\"task_id\":\"m1\",\"attempt\":0}");

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
        assertThat(handled).containsExactly("{\"task_id\":\"m1\",\"attempt\":0} alreadySent=false");
        assertThat(redis.redis().opsForHash().get("mailer:task:m1", "status")).isEqualTo("processing");
    }
}
