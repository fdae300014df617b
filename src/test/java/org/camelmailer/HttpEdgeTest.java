package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RawHttp;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the HTTP server answers before a route, or when none takes the request, with the browser-facing defaults
 * (loopback, no API key, CORS_ORIGINS unset): the Host a request names, CORS, unknown paths and methods.
 */
class HttpEdgeTest {

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.onOwnRedis(Map.of("MAILER_ALLOWED_HOSTS", "mailer.internal"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    static int port() {
        return mailer.uri("/").getPort();
    }

    static String message() {
        return Json.of(Map.of("destinataire", "alice@example.org", "sujet", "Rebinding", "message", "Bonjour"));
    }

    @Test
    void should_refuse_a_post_naming_a_foreign_host_and_queue_nothing() {
        int tasks = mailer.redis().keys("mailer:task:*").size();

        // what a page on evil.example sends once its name resolves to 127.0.0.1 (DNS rebinding)
        RawHttp.Response r = RawHttp.send(port(), "POST", "/message", "evil.example:" + port(), message());

        assertThat(r.status()).isEqualTo(421);
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        assertThat(Json.parse(r.body())).containsEntry("status", "error").containsKey("message");
        assertThat(mailer.redis().keys("mailer:task:*")).as("nothing queued").hasSize(tasks);
        assertThat(mailer.redis().opsForList().size("mailer:queue")).isZero();
    }

    @Test
    void should_accept_a_post_naming_localhost() {
        RawHttp.Response r = RawHttp.send(port(), "POST", "/message", "localhost:" + port(), message());

        assertThat(r.status()).isEqualTo(202);
        assertThat(Json.parse(r.body())).containsEntry("status", "queued");
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"localhost", "127.0.0.1:PORT", "127.0.0.2:PORT", "[::1]:PORT", "app.localhost:PORT",
            "mailer.internal", "mailer.internal:PORT"})
    void should_answer_a_loopback_or_listed_host(String host) {
        RawHttp.Response r = RawHttp.send(port(), "GET", "/", host.replace("PORT", Integer.toString(port())), null);

        assertThat(r.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"evil.example", "localhost.evil.example:PORT", "127.0.0.1.nip.io:PORT", "0.0.0.0:PORT",
            "192.168.1.10:PORT"})
    void should_refuse_any_other_host_even_for_health(String host) {
        String h = host.replace("PORT", Integer.toString(port()));

        assertThat(RawHttp.send(port(), "GET", "/", h, null).status()).isEqualTo(421);
        assertThat(RawHttp.send(port(), "GET", "/observe/health", h, null).status()).isEqualTo(421);
    }

    @Test
    void should_answer_a_request_without_a_host() {
        byte[] head = "GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(RawHttp.send(port(), head, new byte[0]).status()).isEqualTo(200);
    }

    static HttpResponse<String> preflight(String origin) {
        return mailer.send(HttpRequest.newBuilder(mailer.uri("/message"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build());
    }

    @ParameterizedTest(name = "Origin: {0}")
    @ValueSource(strings = {"http://localhost:3000", "http://localhost", "http://127.0.0.1:5173", "http://[::1]:8080"})
    void should_answer_a_preflight_from_a_page_on_this_machine_by_default(String origin) {
        HttpResponse<String> r = preflight(origin);

        assertThat(r.statusCode()).isBetween(200, 204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
    }

    @ParameterizedTest(name = "Origin: {0}")
    @ValueSource(strings = {"https://evil.example", "http://evil.example:3000", "https://localhost:3000",
            "http://localhost.evil.example:3000", "http://localhost:3000.evil.example", "http://127.0.0.1.nip.io:3000",
            "null"})
    void should_refuse_a_preflight_from_a_page_elsewhere_by_default(String origin) {
        HttpResponse<String> r = preflight(origin);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /nope", "GET, /observe/nope", "POST, /message/abc/def", "DELETE, /admin"})
    void should_answer_an_unknown_path_in_json(String method, String path) {
        HttpResponse<String> r = mailer.send(HttpRequest.newBuilder(mailer.uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.parse(r.body())).containsEntry("status", "error").containsKey("message");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /message, POST", "DELETE, /message, POST", "PUT, /, GET", "POST, /message/abc, 'DELETE, GET, PATCH'",
            "DELETE, /observe/health, GET", "POST, /observe/health/ready, GET", "GET, /admin/dead-letters/redrive, POST",
            "GET, /admin/dead-letters/abc/redrive, POST"})
    void should_answer_a_known_path_asked_with_another_method_in_json_with_allow(String method, String path, String allow) {
        HttpResponse<String> r = mailer.send(HttpRequest.newBuilder(mailer.uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue(allow);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.parse(r.body())).containsEntry("status", "error").containsKey("message");
    }
}
