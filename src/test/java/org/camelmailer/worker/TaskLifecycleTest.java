package org.camelmailer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelmailer.deliver.UncertainDeliveryException;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.message.MailTask;
import org.camelmailer.queue.LeaseLostException;
import org.camelmailer.queue.RedisQueueConsumer;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.queue.Claim;
import org.camelmailer.message.Enhancement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;

/** The worker's bookkeeping after a mail has left, while the real Redis server goes away and comes back. */
class TaskLifecycleTest {

    RedisServerProcess server;
    TaskStatusStore statuses;
    DefaultCamelContext camel = new DefaultCamelContext();

    @BeforeEach
    void startRedis() {
        server = new RedisServerProcess();
        statuses = new TaskStatusStore(server.redis(), Duration.ofHours(1));
    }

    @AfterEach
    void stopRedis() {
        server.close();
    }

    TaskLifecycle lifecycle(Duration recordSentWithin) {
        return new TaskLifecycle(statuses, new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofDays(3650)),
                MailerMetrics.none(), UnaryOperator.identity(), recordSentWithin);
    }

    static final Enhancement ENHANCED = Enhancement.ofHtml("<p>Bonjour</p>");

    /** What worker-errors does with a failed delivery: the lifecycle's failed step, bound as the route binds it. */
    static void fail(TaskLifecycle lifecycle, Exchange exchange) throws Exception {
        lifecycle.failed(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
                exchange.getVariable("task", MailTask.class), claim(exchange));
    }

    static MailTask task() {
        return new MailTask("t1", "alice@example.com", "Réunion", "Bonjour", true, 0, "2026-11-28T08:00:00Z");
    }

    @Test
    void should_record_a_mailed_task_as_sent_once_redis_is_back() throws Exception {
        statuses.queued(task());
        server.stop();

        CompletableFuture<Void> recording = CompletableFuture.runAsync(() -> {
            try {
                lifecycle(Duration.ofMinutes(1)).sent(task(), ENHANCED, null, null, null);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // still trying while Redis is away, instead of giving up and letting the task be mailed again
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !recording.isDone());
        server.start();

        await().atMost(Duration.ofSeconds(10)).until(recording::isDone);
        assertThat(recording).isCompleted();
        assertThat(statuses.find("t1")).containsEntry("status", "sent").containsEntry("enhanced", true).containsEntry("attempts", 1);
    }

    @Test
    void should_acknowledge_the_queue_entry_in_the_same_write_as_sent() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        server.redis().opsForList().leftPush("mailer:queue", "entry-t1");
        TaskQueue.Lease lease = queue.claim(Duration.ofMinutes(1));
        statuses.queued(task());
        Claim claim = Claim.of(queue, new TaskQueue.Claimed(lease, false), () -> true);

        lifecycle(Duration.ofMinutes(1)).sent(task(), ENHANCED, claim, "<t1@example.org>", "250 2.0.0 Ok");

        assertThat(statuses.find("t1")).containsEntry("status", "sent");
        assertThat(queue.inflight()).isZero();
        assertThat(claim.isSettled()).as("the consumer is told not to acknowledge again").isTrue();
    }

    @Test
    void should_begin_without_a_round_trip_when_the_claim_already_marked_the_task() throws Exception {
        String entry = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(task());
        Claim claim = Claim.of(new TaskQueue(server.redis(), "mailer:queue"),
                new TaskQueue.Claimed(TaskQueue.Lease.of("x.1|" + entry), true), () -> true);
        server.stop(); // nothing to ask Redis: neither step may try

        TaskLifecycle lifecycle = lifecycle(Duration.ofMinutes(1));
        MailTask task = lifecycle.read(entry);

        assertThat(task.taskId()).isEqualTo("t1");
        assertThat(lifecycle.alreadySent(claim, task)).isTrue();
    }

    @Test
    void should_mark_failed_the_task_an_unreadable_entry_names_once_its_claim_marked_it_processing() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        // JSON with a task_id, so the claim-and-mark script marks t9 processing, but no task: attempt is not a number
        String entry = "{\"task_id\":\"t9\",\"attempt\":[]}";
        server.redis().opsForList().leftPush("mailer:queue", entry);
        TaskQueue.Claimed claimed = statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1));
        assertThat(statuses.find("t9")).containsEntry("status", "processing");

        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(claimed.payload());
        exchange.setProperty(RedisQueueConsumer.CLAIM, Claim.of(queue, claimed, () -> true));
        TaskLifecycle lifecycle = lifecycle(Duration.ofMinutes(1));
        Exception unreadable = assertThrows(Exception.class, () -> lifecycle.read(claimed.payload()));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, unreadable);
        fail(lifecycle, exchange);

        // not processing until its TTL: failed, and its dead letter says which task it was
        assertThat(statuses.find("t9")).containsEntry("status", "failed");
        assertThat((String) statuses.find("t9").get("error")).startsWith("unreadable task");
        assertThat(server.redis().opsForList().range(TaskLifecycle.DEAD_LETTERS, 0, -1)).singleElement()
                .satisfies(d -> assertThat(d).contains("\"task_id\":\"t9\"", "\"error\":\"unreadable task"));
        assertThat(queue.inflight()).isZero();
    }

    @Test
    void should_give_up_recording_after_the_lease_so_the_error_handler_takes_over() {
        statuses.queued(task());
        server.stop();

        assertThatThrownBy(() -> lifecycle(Duration.ofMillis(600)).sent(task(), ENHANCED, null, null, null))
                .isInstanceOf(RedisConnectionFailureException.class);
    }

    /** A claim of t1 whose delivery failed with {@code failure}, as the worker's error handler sees it. */
    Exchange failedDelivery(TaskQueue queue, TaskQueue.Lease lease, Exception failure) throws Exception {
        return failedDelivery(queue, lease, failure, () -> true);
    }

    /** The same, with {@code held} saying whether the claim still holds its lease. */
    Exchange failedDelivery(TaskQueue queue, TaskQueue.Lease lease, Exception failure, BooleanSupplier held)
            throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(lease.payload());
        exchange.setProperty(RedisQueueConsumer.CLAIM, Claim.of(queue, new TaskQueue.Claimed(lease, false), held));
        exchange.setVariable("task", lifecycle(Duration.ofMinutes(1)).read(lease.payload()));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    static Claim claim(Exchange exchange) {
        return exchange.getProperty(RedisQueueConsumer.CLAIM, Claim.class);
    }

    /** t1 claimed once with a lease that ran out, then claimed again by another worker: {expired, current}. */
    TaskQueue.Lease[] claimedTwice(TaskQueue queue) throws Exception {
        server.redis().opsForList().leftPush("mailer:queue",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(task()));
        TaskQueue.Lease expired = statuses.claimMarkingProcessing(queue, Duration.ofMillis(50)).lease();
        TaskQueue.Lease current = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1)), java.util.Objects::nonNull)
                .lease();
        return new TaskQueue.Lease[] {expired, current};
    }

    @Test
    void should_leave_status_and_queue_to_the_new_claimer_when_a_holder_fails_after_its_lease_ran_out() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        TaskQueue.Lease[] leases = claimedTwice(queue);

        // the first holder comes back from a pause and its SMTP attempt fails: transient, then permanent
        TaskLifecycle lifecycle = lifecycle(Duration.ofMinutes(1));
        fail(lifecycle, failedDelivery(queue, leases[0], new java.net.SocketTimeoutException("Read timed out")));
        fail(lifecycle, failedDelivery(queue, leases[0], new IllegalArgumentException("bad address")));

        assertThat(statuses.find("t1")).containsEntry("status", "processing").containsEntry("error", null);
        assertThat(server.redis().opsForZSet().range("mailer:queue:inflight", 0, -1)).containsExactly(leases[1].member());
        assertThat(queue.depth()).as("nothing scheduled for a retry").isZero();
        assertThat(server.redis().hasKey(TaskLifecycle.DEAD_LETTERS)).isFalse();
    }

    @Test
    void should_not_mark_failed_or_dead_letter_a_task_an_earlier_holder_recorded_sent() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        TaskQueue.Lease[] leases = claimedTwice(queue);
        // the first holder's mail was accepted after all: it records sent
        statuses.sentAndAcknowledged(new MailTask("t1", "bob@example.org", "s", "m", false, 0, "2026-11-28T10:00:00Z"), 1, false, null, null, null, queue, leases[0]);
        assertThat(server.redis().opsForZSet().range("mailer:queue:inflight", 0, -1)).as("the other lease stays")
                .containsExactly(leases[1].member());

        // the second holder's attempt fails for good
        fail(lifecycle(Duration.ofMinutes(1)), failedDelivery(queue, leases[1], new IllegalArgumentException("bad")));

        assertThat(statuses.find("t1")).containsEntry("status", "sent");
        assertThat(queue.inflight()).as("its lease ended").isZero();
        assertThat(server.redis().hasKey(TaskLifecycle.DEAD_LETTERS)).isFalse();
    }

    @Test
    void should_refuse_to_mail_once_the_lease_is_known_lost_and_then_write_nothing() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        TaskQueue.Lease[] leases = claimedTwice(queue);
        Exchange exchange = failedDelivery(queue, leases[0], null, () -> false);
        TaskLifecycle lifecycle = lifecycle(Duration.ofMinutes(1));

        LeaseLostException lost = assertThrows(LeaseLostException.class,
                () -> lifecycle.confirmLease(claim(exchange), task()));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new org.apache.camel.RuntimeCamelException(lost));
        fail(lifecycle, exchange);

        assertThat(statuses.find("t1")).containsEntry("status", "processing");
        assertThat(server.redis().opsForZSet().range("mailer:queue:inflight", 0, -1)).containsExactly(leases[1].member());
        assertThat(queue.depth()).as("nothing handed back: the lease was really gone").isZero();
    }

    @Test
    void should_hand_a_task_back_rather_than_drop_it_when_a_lease_thought_lost_is_still_held() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        server.redis().opsForList().leftPush("mailer:queue",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(task()));
        TaskQueue.Lease held = statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1)).lease();
        Exchange exchange = failedDelivery(queue, held, null, () -> false);
        TaskLifecycle lifecycle = lifecycle(Duration.ofMinutes(1));

        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, assertThrows(LeaseLostException.class,
                () -> lifecycle.confirmLease(claim(exchange), task())));
        fail(lifecycle, exchange);

        // a task is never lost to a wrong verdict: it is back in the queue, and the consumer will not end the lease
        assertThat(queue.inflight()).isZero();
        assertThat(queue.claim(Duration.ofMinutes(1)).payload()).isEqualTo(held.payload());
        assertThat(claim(exchange).isSettled()).isTrue();
    }

    @Test
    void should_retry_a_transient_failure_while_the_lease_is_held() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        TaskQueue.Lease[] leases = claimedTwice(queue);

        fail(lifecycle(Duration.ofMinutes(1)), failedDelivery(queue, leases[1], new java.net.ConnectException("refused")));

        assertThat(statuses.find("t1")).containsEntry("status", "retrying").containsEntry("attempts", 1);
        assertThat(queue.inflight()).isZero();
        assertThat(queue.depth()).as("scheduled for its retry").isEqualTo(1);
    }

    TaskLifecycle lifecycleRetryingUncertainAfter(Duration uncertainDelay) {
        return new TaskLifecycle(statuses, new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofDays(3650), uncertainDelay), MailerMetrics.none(), UnaryOperator.identity(), Duration.ofMinutes(1));
    }

    static Exception unanswered() {
        return new org.apache.camel.RuntimeCamelException(new UncertainDeliveryException(
                "no reply to the end of the message within 10 min (SMTP_DATA_TIMEOUT): the server may have accepted it",
                new java.net.SocketTimeoutException("Read timed out")));
    }

    @Test
    void should_retry_a_delivery_whose_final_dot_went_unanswered_once_after_the_long_delay_then_fail_it() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        server.redis().opsForList().leftPush("mailer:queue",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(task()));
        TaskLifecycle lifecycle = lifecycleRetryingUncertainAfter(Duration.ofMillis(500));

        TaskQueue.Claimed first = statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1));
        fail(lifecycle, failedDelivery(queue, first.lease(), unanswered()));

        assertThat(statuses.find("t1")).containsEntry("status", "retrying").containsEntry("attempts", 1);
        assertThat((String) statuses.find("t1").get("error"))
                .startsWith("uncertain: no reply to the end of the message within 10 min")
                .endsWith("one more attempt in 500 ms with the same Message-ID (SMTP_UNCERTAIN_RETRY_DELAY)");
        assertThat(server.redis().opsForZSet().range("mailer:queue:delayed", 0, -1)).singleElement().asString()
                .contains("\"attempt\":1", "\"uncertain\":true");
        assertThat(statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1))).as("not at once").isNull();

        // its one more attempt, once due, goes unanswered too: failed and dead-lettered, never a third copy
        TaskQueue.Claimed second = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1)), java.util.Objects::nonNull);
        fail(lifecycle, failedDelivery(queue, second.lease(), unanswered()));

        assertThat(statuses.find("t1")).containsEntry("status", "failed").containsEntry("attempts", 2);
        assertThat((String) statuses.find("t1").get("error")).startsWith("uncertain: ")
                .endsWith("an earlier attempt was uncertain too: not sent again (re-drive it if it did not arrive)");
        assertThat(server.redis().opsForList().range(TaskLifecycle.DEAD_LETTERS, 0, -1)).singleElement().asString()
                .contains("\"task_id\":\"t1\"", "uncertain");
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_fail_an_unanswered_delivery_at_once_when_no_uncertain_retry_is_wanted() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        server.redis().opsForList().leftPush("mailer:queue",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(task()));
        TaskQueue.Claimed claimed = statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1));

        fail(lifecycleRetryingUncertainAfter(Duration.ZERO), failedDelivery(queue, claimed.lease(), unanswered()));

        assertThat(statuses.find("t1")).containsEntry("status", "failed").containsEntry("attempts", 1);
        assertThat((String) statuses.find("t1").get("error")).startsWith("uncertain: ")
                .endsWith("not sent again (re-drive it if it did not arrive)");
        assertThat(queue.depth()).isZero();
    }

    @Test
    void should_put_a_postponed_task_back_as_it_was_without_charging_an_attempt() throws Exception {
        TaskQueue queue = new TaskQueue(server.redis(), "mailer:queue");
        statuses.queued(task());
        String entry = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(task());
        server.redis().opsForList().leftPush("mailer:queue", entry);
        TaskQueue.Claimed claimed = statuses.claimMarkingProcessing(queue, Duration.ofMinutes(1));

        fail(lifecycle(Duration.ofMinutes(1)), failedDelivery(queue, claimed.lease(),
                new org.camelmailer.deliver.PostponedDeliveryException("the server refused the login of SMTP_LOGIN=mailer: "
                        + "535 5.7.8 Error: authentication failed", Duration.ofMinutes(10), null)));

        assertThat(statuses.find("t1")).containsEntry("status", "retrying").containsEntry("attempts", 0)
                .containsEntry("error", "postponed: the server refused the login of SMTP_LOGIN=mailer: 535 5.7.8 Error: "
                        + "authentication failed");
        assertThat(server.redis().opsForZSet().rangeWithScores("mailer:queue:delayed", 0, -1)).singleElement().satisfies(t -> {
            assertThat(t.getValue()).isEqualTo(entry);
            assertThat(t.getScore()).isCloseTo(System.currentTimeMillis() + 600_000.0,
                    org.assertj.core.data.Offset.offset(5_000.0));
        });
        assertThat(server.redis().hasKey(TaskLifecycle.DEAD_LETTERS)).isFalse();
    }
}
