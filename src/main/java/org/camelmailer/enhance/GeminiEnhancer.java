package org.camelmailer.enhance;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.camelmailer.queue.MailTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Gemini step, its decisions (the beans of {@link GeminiRoutes} and of enhance-retries in
 * routes/enhance.camel.yaml): the request, whether and when a failed attempt is tried again, and what the mail gets in
 * the end: variable {@code html} (sanitised) or {@code fallbackReason}. It never fails the exchange: enhancement never
 * loses or blocks a mail.
 */
public final class GeminiEnhancer {

    private static final Logger LOG = LoggerFactory.getLogger(GeminiEnhancer.class);

    private final GeminiRequestBuilder requests;
    private final HtmlSanitizer sanitizer;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;
    private final UnaryOperator<String> redactor;

    public GeminiEnhancer(GeminiRequestBuilder requests, HtmlSanitizer sanitizer, int maxAttempts, Duration retryDelay,
                          Duration maxRetryDelay, UnaryOperator<String> redactor) {
        this.requests = requests;
        this.sanitizer = sanitizer;
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
        this.redactor = redactor;
    }

    /** Builds the request once (variable {@link GeminiCall#REQUEST}): every attempt sends the same body. */
    public void request(Exchange exchange) {
        MailTask task = exchange.getVariable("task", MailTask.class);
        exchange.setVariable(GeminiCall.REQUEST, requests.build(task.message()));
        exchange.removeVariable(GeminiCall.ATTEMPT);
    }

    /**
     * The retryWhile of enhance-retries: true (with the wait in {@code CamelRedeliveryDelay}) while attempts are left
     * and the wait, exponential from GEMINI_RETRY_DELAY or Gemini's RetryInfo when longer, is within
     * GEMINI_RETRY_MAX_DELAY.
     */
    public boolean retry(Exchange exchange) {
        GeminiRetryException failure = caught(exchange);
        int attempt = attempts(exchange);
        Duration wait = backoff(attempt, failure.retryAfter());
        if (attempt >= maxAttempts || wait.compareTo(maxRetryDelay) > 0) {
            return false;
        }
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        LOG.info("task {}: {}; Gemini attempt {} in {} ms", taskId(exchange), failure.reason(), attempt + 1,
                wait.toMillis());
        return true;
    }

    /** enhance-retries gave up: the plain text goes, and the status says why. */
    public void gaveUp(Exchange exchange) {
        GeminiRetryException failure = caught(exchange);
        int attempt = attempts(exchange);
        Duration wait = backoff(attempt, failure.retryAfter());
        String reason = attempt >= maxAttempts
                ? failure.reason() + " (after " + attempt + " attempts)"
                : failure.reason() + " (Gemini asks to wait " + wait.toSeconds() + "s)";
        fallback(exchange, reason, false);
    }

    /** After the last attempt: Gemini's HTML, sanitised, or the plain text and why. */
    public void accept(Exchange exchange) {
        GeminiOutcome outcome = exchange.getVariable(GeminiCall.OUTCOME, GeminiOutcome.class);
        if (outcome instanceof GeminiOutcome.Html answer) {
            String html = sanitizer.sanitize(answer.html());
            if (html.isBlank()) {
                fallback(exchange, "gemini: nothing left of the answer after sanitising", false);
            } else {
                exchange.setVariable("html", html);
            }
        } else if (outcome instanceof GeminiOutcome.Fallback fallback) {
            fallback(exchange, fallback.reason(), fallback.configurationError());
        } else {
            fallback(exchange, "gemini: no answer to use (" + outcome + ")", false);
        }
    }

    /** Anything else that went wrong in the step (enhance-retries' last resort): the mail still goes, as plain text. */
    public void failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("task {}: the Gemini step failed", taskId(exchange), e);
        fallback(exchange, Reasons.oneLine("gemini: " + (e == null ? "unknown failure"
                : e.getClass().getSimpleName() + ": " + e.getMessage())), false);
    }

    /** The wait before attempt {@code attempt + 1}: exponential, or RetryInfo's when that is longer. */
    Duration backoff(int attempt, Duration retryAfter) {
        Duration exponential = retryDelay.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, 16));
        return retryAfter != null && retryAfter.compareTo(exponential) > 0 ? retryAfter : exponential;
    }

    private static GeminiRetryException caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GeminiRetryException.class);
    }

    private static int attempts(Exchange exchange) {
        Integer attempts = exchange.getVariable(GeminiCall.ATTEMPT, Integer.class);
        return attempts == null ? 0 : attempts;
    }

    private static String taskId(Exchange exchange) {
        return exchange.getVariable("taskId", String.class);
    }

    /** The reason may quote the upstream's words: it is redacted before it is logged or stored. */
    private void fallback(Exchange exchange, String upstreamReason, boolean configurationError) {
        String reason = redactor.apply(upstreamReason);
        exchange.setVariable("fallbackReason", reason);
        if (configurationError) {
            LOG.error("task {}: GEMINI CONFIGURATION ERROR, sending plain text: {}", taskId(exchange), reason);
        } else {
            LOG.warn("task {}: sending plain text: {}", taskId(exchange), reason);
        }
    }
}
