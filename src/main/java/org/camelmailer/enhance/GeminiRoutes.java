package org.camelmailer.enhance;

import org.apache.camel.builder.RouteBuilder;

/**
 * The worker's Gemini step as a route (Java DSL: the service's own logic): build the request, call Gemini (one
 * attempt per delivery of direct:enhance-call-gemini, in routes/enhance.camel.yaml with the rate limit, the endpoint
 * and the log), interpret, sanitise, fall back to plain text. How failed attempts are retried is enhance-retries, in
 * the same YAML file: what an operator tunes is there, this route is what the service does.
 */
public final class GeminiRoutes extends RouteBuilder {

    /** The scheduled pool delayed attempts run on: a waiting attempt is a task in its queue, not a sleeping thread. */
    public static final String RETRY_THREADS = "geminiRetryThreads";
    /** What the step gives the mail, an {@link Enhancement}: the worker route delivers with it. */
    public static final String ENHANCEMENT = "enhancement";

    @Override
    public void configure() {
        from("direct:worker-enhance").routeId("worker-enhance")
                // retries (and GEMINI_RPM's waits) redeliver the call step below, asynchronously
                .routeConfigurationId("enhance-retries")
                .errorHandler(defaultErrorHandler().executorServiceRef(RETRY_THREADS))
                // the request, once: prompts/enhance.txt, GEMINI_TEMPERATURE, GEMINI_MAX_OUTPUT_TOKENS, the text
                .setVariable(GeminiCall.REQUEST, method("geminiEnhancer", "request"))
                .removeVariable(GeminiCall.ATTEMPT)
                // the call: redelivered whole while enhance-retries says so
                .to("direct:enhance-call-gemini")
                // enhance-retries gave up (variable enhancement: the plain text goes, the status says why), or
                // the last answer is interpreted: its HTML sanitised, or the plain text and why
                .filter(variable(ENHANCEMENT).isNull())
                    .setVariable(ENHANCEMENT, method("geminiEnhancer", "accept"))
                .end()
                // Gemini's response headers stop here
                .removeHeaders("*");
    }
}
