package org.camelmailer.deliver;

/** Deliver stage outcome on error: whether the worker should retry the task or give it up. */
public enum FailureKind {
    /** Worth another attempt later: the server or the network may recover. */
    TRANSIENT,
    /** Retrying sends the same request to the same refusal. */
    PERMANENT,
    /**
     * The message and its final dot went out and no reply came: the server may have accepted it. Retried once, after
     * a long delay, by TaskLifecycle; never at once.
     */
    UNCERTAIN,
    /**
     * Not tried, and not this task's fault (delivery paused after a refused login, a server asking for fewer
     * connections): back to the queue after {@link DeliveryFailure#retryAfter()}, not counted as an attempt.
     */
    POSTPONED
}
