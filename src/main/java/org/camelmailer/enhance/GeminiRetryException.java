package org.camelmailer.enhance;

import java.time.Duration;

/**
 * Thrown by the attempt route (enhance-call-gemini) when Gemini's answer is worth another attempt (408, 429, 5xx, no
 * answer): routes/enhance.camel.yaml's enhance-retries catches it and redelivers the attempt, or gives up.
 * A signal, not a bug report: it carries no stack trace and no suppressed exceptions.
 */
public final class GeminiRetryException extends RuntimeException {

    private final transient Duration retryAfter;

    /** @param retryAfter the wait Gemini asked for (its RetryInfo), or null */
    public GeminiRetryException(String reason, Duration retryAfter) {
        super(reason, null, false, false);
        this.retryAfter = retryAfter;
    }

    /** The reason, already redacted and on one line. */
    public String reason() {
        return getMessage();
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
