package org.camelmailer.queue;

import java.util.function.BooleanSupplier;

/**
 * One claim of one queue entry, as the route working on it sees it: the one exchange property the consumer sets
 * ({@link RedisQueueConsumer#CLAIM}). The entry (also the body the route starts with), its lease and queue, what the
 * claim found of its record, whether the lease is still this claim's, and whether the route settled it itself.
 */
public final class Claim {

    private final TaskQueue queue;
    private final TaskQueue.Lease lease;
    private final Boolean alreadyDone;
    private final boolean withdrawn;
    private final BooleanSupplier held;
    private volatile boolean settled;

    Claim(TaskQueue queue, TaskQueue.Lease lease, Boolean alreadyDone, boolean withdrawn, BooleanSupplier held) {
        this.queue = queue;
        this.lease = lease;
        this.alreadyDone = alreadyDone;
        this.withdrawn = withdrawn;
        this.held = held;
    }

    /** A claim made outside a consumer (a test, a tool): held as long as Redis says so. */
    public static Claim of(TaskQueue queue, TaskQueue.Claimed claimed, BooleanSupplier held) {
        return new Claim(queue, claimed.lease(), claimed.alreadyDone(), claimed.withdrawn(), held);
    }

    public TaskQueue queue() {
        return queue;
    }

    public TaskQueue.Lease lease() {
        return lease;
    }

    /** The queue entry, exactly as it was claimed. */
    public String payload() {
        return lease.payload();
    }

    /**
     * True when the claim found the entry's record done (the task was sent by an earlier claim), false when it
     * marked it; null when the claim did not look (the endpoint has no {@code claimRecords}).
     */
    public Boolean alreadyDone() {
        return alreadyDone;
    }

    /**
     * True when {@link #alreadyDone()} is because the task was cancelled, or rescheduled since this entry was queued
     * (a newer entry stands for it): acknowledged, never mailed.
     */
    public boolean withdrawn() {
        return withdrawn;
    }

    /**
     * True while this claim still holds its lease: free while the last renewal is recent, one round trip to Redis after
     * a pause. Asked before a step that must not run twice, such as handing a mail to SMTP.
     */
    public boolean stillHeld() {
        return held.getAsBoolean();
    }

    /** The route ended the lease itself, along with a write of its own: the consumer does not acknowledge again. */
    public void settled() {
        settled = true;
    }

    public boolean isSettled() {
        return settled;
    }
}
