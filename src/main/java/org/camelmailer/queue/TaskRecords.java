package org.camelmailer.queue;

import java.time.Duration;
import java.util.List;

/**
 * The record each queue entry names, as the queue needs to know it to change it in the same script as its own moves:
 * a Redis hash {@code keyPrefix() + task_id} (the entry is JSON with a {@code task_id} and an {@code attempt}), kept for
 * {@link #ttl()}, whose {@link #doneField()} says {@link #doneValue()} once the task's work is done for good. A claim
 * that finds it done does not mark it; a retry or a dead letter never overwrites it. The status store is the one
 * implementation ({@code status.TaskStatusStore}: status sent; withdrawn: cancelled, or a version other
 * than the entry's).
 */
public interface TaskRecords {

    String keyPrefix();

    Duration ttl();

    /** The field that says done, and the value it says it with. */
    String doneField();

    String doneValue();

    /**
     * The {@link #doneField()} value of a record withdrawn for good (cancelled): its entries are acknowledged unsent, as
     * are those whose {@code v} is not the record's {@link #versionField()} (a reschedule queued a newer one).
     */
    String withdrawnValue();

    /** The record's version: the {@code v} of the one entry that may still be worked on (none: 0). */
    String versionField();

    /** Field/value pairs a claim sets on a record not yet done, besides {@link #attemptsField()}. */
    List<String> claimedFields();

    /** The field a claim sets to the entry's attempt + 1. */
    String attemptsField();
}
