package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GeminiHttpClientTest {

    private static final String KEY = "AIzaTestKey-0123456789";

    private final AtomicReference<String> seenKey = new AtomicReference<>();
    private final AtomicReference<String> seenQuery = new AtomicReference<>();
    private HttpServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seenKey.set(exchange.getRequestHeaders().getFirst("x-goog-api-key"));
            seenQuery.set(exchange.getRequestURI().getRawQuery());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void should_send_the_key_as_a_header_and_not_in_the_url() throws Exception {
        int status = post(new GeminiHttpClient(KEY));

        assertThat(status).isEqualTo(204);
        assertThat(seenKey.get()).isEqualTo(KEY);
        assertThat(seenQuery.get()).isNull();
    }

    @Test
    void should_send_no_key_header_when_no_key_is_configured() throws Exception {
        post(new GeminiHttpClient("  "));

        assertThat(seenKey.get()).isNull();
    }

    @Test
    void should_not_reveal_the_key_in_to_string() {
        assertThat(new GeminiHttpClient(KEY).toString()).doesNotContain(KEY).doesNotContain("0123456789");
    }

    private int post(GeminiHttpClient auth) throws Exception {
        HttpClientBuilder builder = HttpClientBuilder.create();
        auth.configureHttpClient(builder);
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/v1beta/models/gemini-2.5-flash:generateContent");
        try (CloseableHttpClient client = builder.build()) {
            return client.execute(new HttpPost(uri), response -> response.getCode());
        }
    }
}
