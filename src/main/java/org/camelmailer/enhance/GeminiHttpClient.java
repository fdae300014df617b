package org.camelmailer.enhance;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Enhance step, transport: sets up the HTTP client camel-http uses for Gemini. It gives it the API key as a
 * header (out of URIs and exchange headers) and turns off HttpClient's own retries, which would silently
 * repeat a 429/503: {@link GeminiEnhancer} decides about retries, honouring RetryInfo, and logs each attempt.
 */
public final class GeminiHttpClient implements HttpClientConfigurer {

    static final String HEADER = "x-goog-api-key";

    // Camel logs endpoint URIs and exchange headers; an interceptor on the client is seen by neither.
    private final String apiKey;

    /** A blank key adds no header: Gemini then answers 403, which the worker reports as a configuration error. */
    public GeminiHttpClient(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey.strip();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
        if (apiKey.isEmpty()) {
            return;
        }
        builder.addRequestInterceptorFirst((request, entity, context) -> request.setHeader(HEADER, apiKey));
    }

    @Override
    public String toString() {
        return "GeminiHttpClient[" + HEADER + "=" + (apiKey.isEmpty() ? "<unset>" : "****") + "]";
    }
}
