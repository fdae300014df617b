package org.camelmailer.enhance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the call of routes/enhance.camel.yaml needs to reach Gemini, as property placeholders: the generateContent URL
 * (never a key: geminiHttpClient adds it on the wire), camel-http's timeouts and its connections per host.
 */
public final class GeminiEndpoint {

    private GeminiEndpoint() {
    }

    /**
     * {@code concurrency}: how many tasks may wait on Gemini at once in this process (MAILER_GEMINI_CONCURRENCY), one
     * connection each; camel-http allows 20 per host unless told.
     */
    public static Map<String, String> properties(String baseUrl, String model, Duration timeout, int concurrency) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("gemini.endpoint", baseUrl.replaceAll("/+$", "") + "/v1beta/models/" + model + ":generateContent");
        // camel-http's timeouts take milliseconds as a bare number (it refuses "30000ms")
        p.put("gemini.http.timeout", Long.toString(timeout.toMillis()));
        p.put("gemini.http.connect-timeout", Long.toString(Math.min(timeout.toMillis(), 10_000)));
        p.put("gemini.connections", Integer.toString(Math.max(20, concurrency)));
        return p;
    }
}
