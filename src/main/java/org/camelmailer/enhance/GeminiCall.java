package org.camelmailer.enhance;

import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.message.MailTask;

/**
 * Enhance step, one attempt (the steps of routes/enhance.camel.yaml's enhance-call-gemini): counts and times the call,
 * turns its answer (or its failure to answer) into a {@link GeminiOutcome} and the attempt's log entry, and throws
 * {@link GeminiRetryException} when the outcome is worth another attempt.
 */
public final class GeminiCall {

    /** Variable: the request body, the same for every attempt. */
    public static final String REQUEST = "geminiRequest";
    /** Variable: the attempts made so far (1 during the first). */
    public static final String ATTEMPT = "geminiAttempt";
    /** Variable: the exception of a call that got no answer (set by the route's doCatch). */
    public static final String FAILURE = "geminiFailure";
    /** Variable: the {@link GeminiOutcome} of the last attempt. */
    public static final String OUTCOME = "geminiOutcome";
    /** Variable: where the attempt's log entry goes, relative to GEMINI_LOG_DIR. */
    public static final String LOG_FILE = "geminiLogFile";
    private static final String STARTED = "geminiStarted";

    private final String model;
    private final GeminiExchangeLog exchangeLog;
    private final MailerMetrics metrics;
    private final UnaryOperator<String> redactor;

    public GeminiCall(String model, GeminiExchangeLog exchangeLog, MailerMetrics metrics, UnaryOperator<String> redactor) {
        this.model = model;
        this.exchangeLog = exchangeLog;
        this.metrics = metrics;
        this.redactor = redactor;
    }

    /** Just before the HTTP call: one more attempt, timed from now. */
    public void begin(Exchange exchange) {
        Integer before = exchange.getVariable(ATTEMPT, Integer.class);
        exchange.setVariable(ATTEMPT, before == null ? 1 : before + 1);
        exchange.removeVariable(FAILURE);
        exchange.setVariable(STARTED, System.nanoTime());
    }

    /**
     * Just after the HTTP call: the outcome (variable {@link #OUTCOME}), a count in mailer_gemini_calls_total, and the
     * attempt's log entry as the body, to be written to {@link #LOG_FILE}.
     */
    public void record(Exchange exchange) {
        long millis = (System.nanoTime() - exchange.getVariable(STARTED, Long.class)) / 1_000_000;
        Throwable failure = exchange.getVariable(FAILURE, Throwable.class);
        Integer status = null;
        String response = null;
        String error = null;
        GeminiOutcome outcome;
        if (failure != null) {
            error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            outcome = GeminiReply.networkFailure(failure);
        } else {
            status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            response = exchange.getMessage().getBody(String.class);
            outcome = GeminiReply.interpret(status == null ? 0 : status, response);
        }
        metrics.gemini(outcome instanceof GeminiOutcome.Html ? "html"
                        : outcome instanceof GeminiOutcome.Retry ? "retry" : "fallback",
                status == null ? "network" : Integer.toString(status));
        exchange.setVariable(OUTCOME, outcome);
        GeminiExchangeLog.Entry entry = exchangeLog.entry(exchange.getVariable("task", MailTask.class).taskId(),
                exchange.getVariable(ATTEMPT, Integer.class), model, exchange.getVariable(REQUEST, String.class), status,
                response, millis, error);
        exchange.setVariable(LOG_FILE, entry.fileName());
        exchange.getMessage().setBody(entry.text());
    }

    /** A passing failure (408, 429, 5xx, no answer) goes up to enhance-retries, which redelivers the attempt or gives up. */
    public void judge(Exchange exchange) {
        if (exchange.getVariable(OUTCOME) instanceof GeminiOutcome.Retry retry) {
            // the reason may quote the upstream's words: redacted before Camel's own logs can show it
            throw new GeminiRetryException(redactor.apply(retry.reason()), retry.retryAfter());
        }
    }
}
