package org.camelmailer.queue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks from a {@link TaskQueue} for a pool of worker threads, renews each lease while the route works on it,
 * and acknowledge only once the route has finished without an unhandled error (at-least-once delivery).
 * Suspendable: a suspended route (JMX) keeps its threads but claims nothing until it is resumed.
 */
public class RedisQueueConsumer extends DefaultConsumer implements Suspendable {

    /** Exchange property holding the exact queue entry, for routes that retry or dead-letter it themselves. */
    public static final String PAYLOAD = "redisQueuePayload";
    /** Exchange property holding the {@link TaskQueue} the entry came from: retries and dead letters go through it. */
    public static final String QUEUE = "redisQueue";
    /**
     * Exchange property, with the endpoint's statusStore option: true when the task's status record already said sent
     * at the claim, false when the claim marked it processing; absent when the claim did not look.
     */
    public static final String ALREADY_SENT = "redisQueueAlreadySent";
    /** Exchange property a route sets to true when it acknowledged the entry itself (along with its own write). */
    public static final String ACKNOWLEDGED = "redisQueueAcknowledged";

    private static final Logger LOG = LoggerFactory.getLogger(RedisQueueConsumer.class);

    private final TaskQueue queue;
    private final Duration lease;
    private ExecutorService claimer;
    private ExecutorService workers;
    private Semaphore slots;
    private ScheduledExecutorService leaseRenewer;
    private volatile boolean redisDown;
    /**
     * Entries this process holds right now: their leases are renewed, and they are handed back if a stop
     * outlasts the shutdown timeout.
     */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

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
            // the tasks in hand get a while to finish; what is still running then goes back to the queue
            workers.shutdown();
            if (!workers.awaitTermination(getEndpoint().getShutdownTimeout(), TimeUnit.MILLISECONDS)) {
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
                TaskQueue.Claimed claimed = claim();
                if (claimed == null) {
                    slots.release();
                    pause(getEndpoint().getPollDelay());
                } else {
                    // handed over even if a stop interrupts us now: a claimed task is never left unattended
                    workers.execute(() -> {
                        try {
                            handle(claimed);
                        } finally {
                            slots.release();
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Null when the queue is empty or Redis is unreachable (then after a pause: workers resume on their own). */
    private TaskQueue.Claimed claim() throws InterruptedException {
        try {
            TaskStatusStore statuses = getEndpoint().getStatusStore();
            TaskQueue.Claimed claimed = statuses != null ? statuses.claimMarkingProcessing(queue, lease)
                    : claimedOrNull(queue.claim(lease));
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

    private static TaskQueue.Claimed claimedOrNull(String payload) {
        return payload == null ? null : new TaskQueue.Claimed(payload, null);
    }

    /** Tasks still running at the deadline go back to the queue now, not after their lease. */
    private void handBack() {
        for (String payload : held) {
            try {
                if (queue.retryLater(payload, payload, Duration.ZERO)) {
                    LOG.warn("shutdown: a task still in progress was handed back to the queue");
                }
            } catch (RuntimeException e) {
                LOG.warn("shutdown: could not hand a task back ({}); it returns after its lease", e.getMessage());
            }
        }
    }

    private void handle(TaskQueue.Claimed claimed) {
        String payload = claimed.payload();
        held.add(payload);
        try {
            process(payload, claimed.alreadySent());
        } finally {
            held.remove(payload);
        }
    }

    private void process(String payload, Boolean alreadySent) {
        Exchange exchange = createExchange(false);
        exchange.getIn().setBody(payload);
        exchange.setProperty(PAYLOAD, payload);
        exchange.setProperty(QUEUE, queue);
        if (alreadySent != null) {
            exchange.setProperty(ALREADY_SENT, alreadySent);
        }
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        try {
            if (exchange.getException() == null) {
                if (!exchange.getProperty(ACKNOWLEDGED, false, Boolean.class)) {
                    queue.acknowledge(payload);
                }
            } else {
                getExceptionHandler().handleException("task handed back to the queue", exchange,
                        exchange.getException());
                queue.retryLater(payload, payload, Duration.ofMillis(getEndpoint().getRetryDelay()));
            }
        } catch (RuntimeException e) {
            // Redis went away: the lease runs out and the task is handed out again (and skipped if sent)
            LOG.warn("could not settle a task in Redis ({}): it will be redelivered after its lease",
                    e.getMessage());
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void renewHeld() {
        for (String payload : held) {
            try {
                queue.renew(payload, lease);
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
