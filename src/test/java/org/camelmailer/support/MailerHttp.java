package org.camelmailer.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The service's HTTP API as a test calls it, whether the service runs in this JVM ({@link RunningMailer}) or as the
 * packaged jar ({@link MailerProcess}): the calls are written once here. {@code headers} are names and values in turn
 * ({@code "X-API-Key", key}).
 */
public abstract class MailerHttp {

    private final int port;
    private final HttpClient http;

    protected MailerHttp(int port, HttpClient http) {
        this.port = port;
        this.http = http;
    }

    /** The HTTP port it serves on (MAILER_HTTP_PORT). */
    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The request sent and its answer read as UTF-8; no answer at all is an {@link UncheckedIOException}. */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(withHeaders(HttpRequest.newBuilder(uri(path)).GET(), headers).build());
    }

    /** POST /message of {@code json}. */
    public HttpResponse<String> postJson(String json, String... headers) {
        return send(withHeaders(HttpRequest.newBuilder(uri("/message"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), headers).build());
    }

    /** POST /message of {@code message}, asserted answered 202 Accepted (its body in the failure): its task_id. */
    public String accept(Map<String, ?> message, String... headers) {
        HttpResponse<String> r = postJson(Json.of(message), headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    /** GET /message/{taskId} parsed: the task's record, its "status" among the rest. */
    public Map<String, Object> status(String taskId, String... headers) {
        return Json.parse(get("/message/" + taskId, headers).body());
    }

    /** Waits at most {@code timeout} for GET /message/{taskId} to say {@code status}. */
    public void awaitStatus(String taskId, String status, Duration timeout, String... headers) {
        await("task " + taskId + " " + status).atMost(timeout)
                .until(() -> status.equals(status(taskId, headers).get("status")));
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }
}
