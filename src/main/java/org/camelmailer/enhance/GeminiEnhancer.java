package org.camelmailer.enhance;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.camelmailer.ops.MailerMetrics;
import org.camelmailer.queue.MailTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Gemini step: sends the plain text to Gemini through the camel-http endpoint, logs every
 * attempt to a file, retries what Gemini says is passing (429, 5xx, timeouts; honouring RetryInfo), and
 * leaves either variable {@code html} (sanitised) or {@code fallbackReason}. It never fails the exchange:
 * enhancement never loses or blocks a mail.
 */
public final class GeminiEnhancer {

    private static final Logger LOG = LoggerFactory.getLogger(GeminiEnhancer.class);

    private final ProducerTemplate http;
    private final String endpointUri;
    private final String model;
    private final GeminiRequestBuilder requests;
    private final HtmlSanitizer sanitizer;
    private final GeminiExchangeLog exchangeLog;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;
    private final MailerMetrics metrics;
    private final UnaryOperator<String> redactor;

    public GeminiEnhancer(ProducerTemplate http, String endpointUri, String model, GeminiRequestBuilder requests,
                          HtmlSanitizer sanitizer, GeminiExchangeLog exchangeLog, int maxAttempts,
                          Duration retryDelay, Duration maxRetryDelay, MailerMetrics metrics,
                          UnaryOperator<String> redactor) {
        this.metrics = metrics;
        this.redactor = redactor;
        this.http = http;
        this.endpointUri = endpointUri;
        this.model = model;
        this.requests = requests;
        this.sanitizer = sanitizer;
        this.exchangeLog = exchangeLog;
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
    }

    public void enhance(Exchange exchange) throws InterruptedException {
        MailTask task = exchange.getVariable("task", MailTask.class);
        String request = requests.build(task.message());
        for (int attempt = 1; ; attempt++) {
            GeminiOutcome outcome = call(task.taskId(), attempt, request);
            if (outcome instanceof GeminiOutcome.Html answer) {
                String html = sanitizer.sanitize(answer.html());
                if (html.isBlank()) {
                    fallback(exchange, task, "gemini: nothing left of the answer after sanitising", false);
                } else {
                    exchange.setVariable("html", html);
                }
                return;
            }
            if (outcome instanceof GeminiOutcome.Fallback fallback) {
                fallback(exchange, task, fallback.reason(), fallback.configurationError());
                return;
            }
            GeminiOutcome.Retry retry = (GeminiOutcome.Retry) outcome;
            Duration wait = backoff(attempt, retry.retryAfter());
            if (attempt >= maxAttempts) {
                fallback(exchange, task, retry.reason() + " (after " + attempt + " attempts)", false);
                return;
            }
            if (wait.compareTo(maxRetryDelay) > 0) {
                fallback(exchange, task, retry.reason() + " (Gemini asks to wait " + wait.toSeconds() + "s)", false);
                return;
            }
            LOG.info("task {}: {}; Gemini attempt {} in {} ms", task.taskId(), redactor.apply(retry.reason()), attempt + 1,
                    wait.toMillis());
            Thread.sleep(wait.toMillis());
        }
    }

    private GeminiOutcome call(String taskId, int attempt, String request) {
        long start = System.nanoTime();
        Integer status = null;
        String response = null;
        String error = null;
        GeminiOutcome outcome;
        try {
            // a fresh exchange: no header of the task (or of any HTTP request) reaches Google
            Exchange reply = http.send(endpointUri, ex -> {
                ex.getIn().setBody(request);
                ex.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
                ex.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
            });
            if (reply.getException() != null) {
                throw reply.getException();
            }
            status = reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            response = reply.getMessage().getBody(String.class);
            outcome = GeminiReply.interpret(status == null ? 0 : status, response);
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            outcome = GeminiReply.networkFailure(e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        metrics.gemini(outcome instanceof GeminiOutcome.Html ? "html"
                        : outcome instanceof GeminiOutcome.Retry ? "retry" : "fallback",
                status == null ? "network" : Integer.toString(status));
        try {
            exchangeLog.record(taskId, attempt, model, request, status, response, millis, error);
        } catch (RuntimeException e) {
            LOG.warn("could not write the Gemini exchange log for task {}: {}", taskId, e.getMessage());
        }
        return outcome;
    }

    private Duration backoff(int attempt, Duration retryAfter) {
        Duration exponential = retryDelay.multipliedBy(1L << Math.min(attempt - 1, 16));
        return retryAfter != null && retryAfter.compareTo(exponential) > 0 ? retryAfter : exponential;
    }

    /** The reason may quote the upstream's words: it is redacted before it is logged or stored. */
    private void fallback(Exchange exchange, MailTask task, String upstreamReason, boolean configurationError) {
        String reason = redactor.apply(upstreamReason);
        exchange.setVariable("fallbackReason", reason);
        if (configurationError) {
            LOG.error("task {}: GEMINI CONFIGURATION ERROR, sending plain text: {}", task.taskId(), reason);
        } else {
            LOG.warn("task {}: sending plain text: {}", task.taskId(), reason);
        }
    }
}
