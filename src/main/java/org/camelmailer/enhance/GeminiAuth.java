package org.camelmailer.enhance;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/** Enhance step, transport: gives the Gemini HTTP client its API key as a header, out of URIs and exchange headers. */
public final class GeminiAuth implements HttpClientConfigurer {

    static final String HEADER = "x-goog-api-key";

    // Camel logs endpoint URIs and exchange headers; an interceptor on the client is seen by neither.
    private final String apiKey;

    /** A blank key adds no header: Gemini then answers 403, which the worker reports as a configuration error. */
    public GeminiAuth(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey.strip();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        if (apiKey.isEmpty()) {
            return;
        }
        builder.addRequestInterceptorFirst((request, entity, context) -> request.setHeader(HEADER, apiKey));
    }

    @Override
    public String toString() {
        return "GeminiAuth[" + HEADER + "=" + (apiKey.isEmpty() ? "<unset>" : "****") + "]";
    }
}
