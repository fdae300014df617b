package org.camelmailer.queue;

/** A worker's lease on a task ran out and another worker claimed it: this one must leave the task alone. */
public final class LeaseLostException extends RuntimeException {

    public LeaseLostException(String taskId) {
        super("the lease on task " + taskId + " ran out: another worker has it", null, false, false);
    }
}
