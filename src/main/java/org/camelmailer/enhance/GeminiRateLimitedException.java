package org.camelmailer.enhance;

import java.time.Duration;

/**
 * Thrown by the first step of an attempt when GEMINI_RPM's calls of the last minute are all taken: enhance-retries
 * delivers the attempt again once a call leaves the window, without holding a thread and without counting an attempt.
 * A signal, not a bug report: it carries no stack trace and no suppressed exceptions.
 */
public final class GeminiRateLimitedException extends RuntimeException {

    private final transient Duration wait;

    public GeminiRateLimitedException(Duration wait) {
        super("GEMINI_RPM reached: the next call in " + wait.toMillis() + " ms", null, false, false);
        this.wait = wait;
    }

    public Duration waitFor() {
        return wait;
    }
}
