package org.camelmailer.worker;

/** The task's record says cancelled as a worker is about to mail it: it is acknowledged, never mailed. */
public final class TaskCancelledException extends RuntimeException {

    public TaskCancelledException(String taskId) {
        super("task " + taskId + " was cancelled", null, false, false);
    }
}
