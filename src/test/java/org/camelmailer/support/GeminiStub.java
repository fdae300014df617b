package org.camelmailer.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * A local Gemini generateContent endpoint (WireMock) that answers with the real response shapes kept in
 * src/test/resources/gemini/ (copied from shared/gemini/), one after another when given several.
 */
public final class GeminiStub implements AutoCloseable {

    private static final String PATH = "/v1beta/models/[^/]+:generateContent";

    private final PerMinuteQuota quota = new PerMinuteQuota();
    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort().extensions(quota));

    public GeminiStub() {
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Answers each call with the next response; the last one repeats. */
    public void answers(ResponseDefinitionBuilder... responses) {
        server.resetAll();
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = i == responses.length - 1 ? state : "call-" + (i + 2);
            server.stubFor(post(urlPathMatching(PATH)).inScenario("gemini").whenScenarioStateIs(state)
                    .willReturn(responses[i]).willSetStateTo(next));
            state = next;
        }
    }

    /** One of the recorded Gemini answers, e.g. {@code fixture(200, "200-ok.json")}. */
    public static ResponseDefinitionBuilder fixture(int status, String file) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(read(file));
    }

    /**
     * The recorded 429 for a per-minute quota instead of a daily one (which no retry clears), asking to wait
     * {@code retryDelay} (e.g. "2s") in its RetryInfo.
     */
    public static ResponseDefinitionBuilder perMinuteQuota(String retryDelay) {
        String body = read("429-resource-exhausted.json")
                .replace("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier")
                .replace("\"retryDelay\": \"22s\"", "\"retryDelay\": \"" + retryDelay + "\"");
        return aResponse().withStatus(429).withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body);
    }

    public static String read(String file) {
        try (InputStream in = GeminiStub.class.getResourceAsStream("/gemini/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * From now on, answers a call with Gemini's 429 for a per-minute quota when {@code perMinute} calls already came
     * in the last 60 s (a sliding minute, counting the calls it let through), as Gemini's quota would.
     */
    public void limitPerMinute(int perMinute) {
        quota.limit(perMinute);
    }

    /** The calls answered 429 by {@link #limitPerMinute}. */
    public int answeredTooManyRequests() {
        return quota.refused();
    }

    /** The per-minute quota of {@link #limitPerMinute}, applied before any stub. */
    private static final class PerMinuteQuota implements ResponseDefinitionTransformerV2 {
        private final Deque<Long> accepted = new ArrayDeque<>();
        private int perMinute;
        private int refused;

        synchronized void limit(int perMinute) {
            this.perMinute = perMinute;
            accepted.clear();
            refused = 0;
        }

        synchronized int refused() {
            return refused;
        }

        @Override
        public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
            if (perMinute <= 0) {
                return serveEvent.getResponseDefinition();
            }
            long now = System.nanoTime();
            while (!accepted.isEmpty() && now - accepted.peekFirst() >= TimeUnit.SECONDS.toNanos(60)) {
                accepted.pollFirst();
            }
            if (accepted.size() >= perMinute) {
                refused++;
                return perMinuteQuota("30s").build();
            }
            accepted.addLast(now);
            return serveEvent.getResponseDefinition();
        }

        @Override
        public String getName() {
            return "per-minute-quota";
        }
    }

    public List<LoggedRequest> requests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Override
    public void close() {
        server.stop();
    }
}
