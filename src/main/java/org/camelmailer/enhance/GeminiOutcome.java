package org.camelmailer.enhance;

import java.time.Duration;

/** What the worker should do after one Gemini call: send the HTML, try again later, or send plain text. */
public sealed interface GeminiOutcome {

    /** Gemini answered with HTML; still raw, so it must go through {@link HtmlSanitizer} before use. */
    record Html(String html) implements GeminiOutcome {
    }

    /**
     * A transient failure worth another attempt.
     *
     * @param retryAfter the wait Gemini asked for (its RetryInfo), or null when it gave none
     */
    record Retry(String reason, Duration retryAfter) implements GeminiOutcome {
    }

    /**
     * Retrying will not help: send the plain text.
     *
     * @param configurationError true when an operator must fix something (key, model name), so it is logged loudly
     */
    record Fallback(String reason, boolean configurationError) implements GeminiOutcome {
    }
}
