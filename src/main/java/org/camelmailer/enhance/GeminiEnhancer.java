package org.camelmailer.enhance;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.camelmailer.message.MailTask;
import org.camelmailer.message.Enhancement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Gemini step, its decisions (the beans of {@link GeminiRoutes} and of enhance-retries in
 * routes/enhance.camel.yaml): the request, whether and when a failed attempt is tried again, and what the mail gets in
 * the end, an {@link Enhancement}: sanitised HTML, or why the plain text goes alone. It never fails the exchange:
 * enhancement never loses or blocks a mail.
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

    /** The request, built once (the route binds it to variable {@link GeminiCall#REQUEST}): every attempt sends it. */
    public String request(@Variable("task") MailTask task) {
        return requests.build(task.message());
    }

    /**
     * The retryWhile of enhance-retries: true (with the wait in {@code CamelRedeliveryDelay}) while attempts are left
     * and the wait, exponential from GEMINI_RETRY_DELAY or Gemini's RetryInfo when longer, is within
     * GEMINI_RETRY_MAX_DELAY.
     */
    public boolean retry(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) GeminiRetryException failure,
                         @Variable(GeminiCall.ATTEMPT) Integer attempts, @Variable("task") MailTask task, Message in) {
        int attempt = attempts == null ? 0 : attempts;
        Duration wait = backoff(attempt, failure.retryAfter());
        if (attempt >= maxAttempts || wait.compareTo(maxRetryDelay) > 0) {
            return false;
        }
        in.setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        LOG.info("task {}: {}; Gemini attempt {} in {} ms", task.taskId(), failure.reason(), attempt + 1, wait.toMillis());
        return true;
    }

    /** enhance-retries gave up: the plain text goes, and the status says why. */
    public Enhancement gaveUp(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) GeminiRetryException failure,
                              @Variable(GeminiCall.ATTEMPT) Integer attempts, @Variable("task") MailTask task) {
        int attempt = attempts == null ? 0 : attempts;
        Duration wait = backoff(attempt, failure.retryAfter());
        String reason = attempt >= maxAttempts
                ? failure.reason() + " (after " + attempt + " attempts)"
                : failure.reason() + " (Gemini asks to wait " + wait.toSeconds() + "s)";
        return fallback(task.taskId(), reason, false);
    }

    /** After the last attempt: Gemini's HTML, sanitised, or the plain text and why. */
    public Enhancement accept(@Variable(GeminiCall.OUTCOME) GeminiOutcome outcome, @Variable("task") MailTask task) {
        if (outcome instanceof GeminiOutcome.Html answer) {
            String html = sanitizer.sanitize(answer.html());
            return html.isBlank() ? fallback(task.taskId(), "gemini: nothing left of the answer after sanitising", false)
                    : Enhancement.ofHtml(html);
        } else if (outcome instanceof GeminiOutcome.Fallback fallback) {
            return fallback(task.taskId(), fallback.reason(), fallback.configurationError());
        }
        return fallback(task.taskId(), "gemini: no answer to use (" + outcome + ")", false);
    }

    /** Anything else that went wrong in the step (enhance-retries' last resort): the mail still goes, as plain text. */
    public Enhancement failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e, @Variable("task") MailTask task) {
        LOG.warn("task {}: the Gemini step failed", task.taskId(), e);
        return fallback(task.taskId(), Reasons.oneLine("gemini: " + (e == null ? "unknown failure"
                : e.getClass().getSimpleName() + ": " + e.getMessage())), false);
    }

    /** The wait before attempt {@code attempt + 1}: exponential, or RetryInfo's when that is longer. */
    Duration backoff(int attempt, Duration retryAfter) {
        Duration exponential = retryDelay.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, 16));
        return retryAfter != null && retryAfter.compareTo(exponential) > 0 ? retryAfter : exponential;
    }

    /** The reason may quote the upstream's words: it is redacted before it is logged or stored. */
    private Enhancement fallback(String taskId, String upstreamReason, boolean configurationError) {
        String reason = redactor.apply(upstreamReason);
        if (configurationError) {
            LOG.error("task {}: GEMINI CONFIGURATION ERROR, sending plain text: {}", taskId, reason);
        } else {
            LOG.warn("task {}: sending plain text: {}", taskId, reason);
        }
        return Enhancement.plainText(reason);
    }
}
