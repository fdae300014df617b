package org.camelmailer.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.camelmailer.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks from a {@link TaskQueue} for a pool of worker threads, renews each lease while the route works on it,
 * and acknowledge only once the route has finished without an unhandled error (at-least-once delivery).
 * concurrentConsumers bounds the tasks in hand, not the threads: a route that waits asynchronously (a delayed
 * redelivery) hands its thread back and finishes elsewhere, keeping its task's slot until then.
 * Suspendable: a suspended route (JMX) keeps its threads but claims nothing until it is resumed.
 */
public class RedisQueueConsumer extends DefaultConsumer implements Suspendable {

    /** The one exchange property the consumer sets: the {@link Claim} the route works on. */
    public static final String CLAIM = "redisQueueClaim";

    private static final Logger LOG = LoggerFactory.getLogger(RedisQueueConsumer.class);

    private final TaskQueue queue;
    private final Duration lease;
    private ExecutorService claimer;
    private ExecutorService workers;
    /** One permit per task this consumer may hold at once (concurrentConsumers), taken by the claim, given back when its route is done. */
    private Semaphore slots;
    private int slotCount;
    private ScheduledExecutorService leaseRenewer;
    private volatile boolean redisDown;
    /**
     * Leases this process holds right now, by member: renewed every third of the lease, and handed back if a stop
     * outlasts the shutdown timeout.
     */
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** A lease in hand, and until when (System.nanoTime) the last renewal vouches for it. */
    private final class Held implements BooleanSupplier {
        final TaskQueue.Lease lease;
        volatile long vouchedUntil;
        volatile boolean lost;

        Held(TaskQueue.Lease lease, long claimedAt) {
            this.lease = lease;
            this.vouchedUntil = claimedAt + leaseLength().toNanos() * 2 / 3;
        }

        /** Renews the lease in Redis; false (and lost from now on) when it ran out and the entry was handed back. */
        boolean renew() {
            long asked = System.nanoTime();
            if (queue.renew(lease, leaseLength())) {
                vouchedUntil = asked + leaseLength().toNanos() * 2 / 3;
                return true;
            }
            if (!lost) {
                lost = true;
                LOG.warn("a lease on {} ran out before it was renewed (the process was paused or Redis was away for "
                        + "over {}): the task is another worker's now", queue.key(), Durations.describe(leaseLength()));
            }
            return false;
        }

        @Override
        public boolean getAsBoolean() {
            if (lost) {
                return false;
            }
            return System.nanoTime() - vouchedUntil < 0 || renew();
        }
    }

    private Duration leaseLength() {
        return lease;
    }

    RedisQueueConsumer(RedisQueueEndpoint endpoint, Processor processor, TaskQueue queue) {
        super(endpoint, processor);
        this.queue = queue;
        this.lease = Duration.ofMillis(endpoint.getVisibilityTimeout());
    }

    @Override
    public RedisQueueEndpoint getEndpoint() {
        return (RedisQueueEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        var threads = getEndpoint().getCamelContext().getExecutorServiceManager();
        int n = getEndpoint().getConcurrentConsumers();
        slotCount = n;
        slots = new Semaphore(n);
        leaseRenewer = threads.newSingleThreadScheduledExecutor(this, "redis-queue-lease");
        // one sweep over the tasks in hand every third of the lease, rather than a timer per task
        long every = Math.max(lease.toMillis() / 3, 10);
        leaseRenewer.scheduleAtFixedRate(this::renewHeld, every, every, TimeUnit.MILLISECONDS);
        workers = threads.newFixedThreadPool(this, "redis-queue-worker", n);
        claimer = threads.newSingleThreadExecutor(this, "redis-queue-claim");
        claimer.submit(this::claimWhileRunning);
    }

    @Override
    protected void doStop() throws Exception {
        var threads = getEndpoint().getCamelContext().getExecutorServiceManager();
        if (claimer != null) {
            // no new claims from here on
            claimer.shutdownNow();
            claimer.awaitTermination(5, TimeUnit.SECONDS);
            claimer = null;
        }
        if (workers != null) {
            // the tasks in hand get a while to finish (those waiting for a delayed redelivery too, on no thread of
            // ours); what is still running then goes back to the queue
            workers.shutdown();
            if (slots.tryAcquire(slotCount, getEndpoint().getShutdownTimeout(), TimeUnit.MILLISECONDS)) {
                slots.release(slotCount);
            } else {
                handBack();
                threads.shutdownNow(workers);
            }
            workers = null;
        }
        if (leaseRenewer != null) {
            threads.shutdownNow(leaseRenewer);
            leaseRenewer = null;
        }
        super.doStop();
    }

    /**
     * One thread claims, as fast as worker threads free up: an idle service polls Redis once per poll delay,
     * not once per worker thread, and a busy one claims again at once.
     */
    private void claimWhileRunning() {
        while (isRunAllowed()) {
            try {
                if (isSuspending() || isSuspended()) {
                    pause(getEndpoint().getPollDelay());
                    continue;
                }
                slots.acquire();
                if (isSuspending() || isSuspended()) {
                    // suspended while every worker was busy: claim nothing more
                    slots.release();
                    continue;
                }
                TaskQueue.Claimed claimed = claim();
                if (claimed == null) {
                    slots.release();
                    pause(getEndpoint().getPollDelay());
                } else {
                    // handed over even if a stop interrupts us now: a claimed task is never left unattended;
                    // its slot is given back when its route is done
                    workers.execute(() -> handle(claimed));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Null when the queue is empty or Redis is unreachable (then after a pause: workers resume on their own). */
    private TaskQueue.Claimed claim() throws InterruptedException {
        long claimedAt = System.nanoTime();
        try {
            TaskRecords records = getEndpoint().getClaimRecords();
            TaskQueue.Claimed claimed = records != null ? queue.claim(lease, records) : claimedOrNull(queue.claim(lease));
            if (claimed != null) {
                // in hand (and renewed) from the claim on, before a worker thread picks it up
                held.put(claimed.lease().member(), new Held(claimed.lease(), claimedAt));
            }
            if (redisDown) {
                redisDown = false;
                LOG.info("Redis answers again: worker on {} resumes", queue.key());
            }
            return claimed;
        } catch (RuntimeException e) {
            if (!redisDown) {
                redisDown = true;
                LOG.warn("cannot take tasks from Redis ({}): retrying every second", e.getMessage());
            }
            pause(1000);
            return null;
        }
    }

    private static TaskQueue.Claimed claimedOrNull(TaskQueue.Lease lease) {
        return lease == null ? null : new TaskQueue.Claimed(lease, null);
    }

    /** Tasks still running at the deadline go back to the queue now, not after their lease. */
    private void handBack() {
        for (Held h : held.values()) {
            // whatever still runs for it here (a delayed attempt firing late) must not mail it: confirmLease says no
            h.lost = true;
            try {
                if (queue.retryLater(h.lease, h.lease.payload(), Duration.ZERO)) {
                    LOG.warn("shutdown: a task still in progress was handed back to the queue");
                }
            } catch (RuntimeException e) {
                LOG.warn("shutdown: could not hand a task back ({}); it returns after its lease", e.getMessage());
            }
        }
    }

    /**
     * Starts the route on this worker thread. The route may finish on another thread (after an asynchronous delayed
     * redelivery): the task is settled, and its slot given back, when it is done, wherever that is.
     */
    private void handle(TaskQueue.Claimed claimed) {
        String member = claimed.lease().member();
        Held lease = held.get(member);
        String payload = lease.lease.payload();
        Exchange exchange = createExchange(false);
        exchange.getIn().setBody(payload);
        Claim claim = new Claim(queue, lease.lease, claimed.alreadyDone(), claimed.withdrawn(), lease);
        exchange.setProperty(CLAIM, claim);
        AtomicBoolean done = new AtomicBoolean();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                try {
                    settle(exchange, claim);
                } finally {
                    releaseExchange(exchange, false);
                    held.remove(member);
                    slots.release();
                }
            }
        };
        try {
            getAsyncProcessor().process(exchange, doneSync -> finish.run());
        } catch (RuntimeException e) {
            // an asynchronous processor reports through the callback; this is for one that throws all the same
            exchange.setException(e);
            finish.run();
        }
    }

    /** Acknowledged when the route ended well, handed back for a later attempt when it ended with an error. */
    private void settle(Exchange exchange, Claim claim) {
        try {
            if (exchange.getException() == null) {
                if (!claim.isSettled()) {
                    queue.acknowledge(claim.lease());
                }
            } else {
                getExceptionHandler().handleException("task handed back to the queue", exchange,
                        exchange.getException());
                queue.retryLater(claim.lease(), claim.payload(), Duration.ofMillis(getEndpoint().getRetryDelay()));
            }
        } catch (RuntimeException e) {
            // Redis went away: the lease runs out and the task is handed out again (and skipped if sent)
            LOG.warn("could not settle a task in Redis ({}): it will be redelivered after its lease",
                    e.getMessage());
        }
    }

    private void renewHeld() {
        for (Held h : held.values()) {
            try {
                if (!h.lost) {
                    h.renew();
                }
            } catch (RuntimeException e) {
                LOG.debug("lease renewal failed: {}", e.getMessage());
                return;
            }
        }
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
