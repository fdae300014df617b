package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.CamelContextHelper;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP connections are read and answered on every core, not on Camel's single server event loop. */
class HttpAcceptorsTest {

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.onOwnRedis(Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    @Test
    void should_serve_new_connections_on_more_than_one_event_loop() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: one event loop is all there is");
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(mailer.context(), VertxPlatformHttpRouter.class);
        router.get("/test/event-loop").handler(ctx -> ctx.end(Thread.currentThread().getName()));

        Set<String> loops = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            // a client of its own per request: a new connection each time
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(mailer.uri("/test/event-loop")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            loops.add(r.body());
        }

        assertThat(loops).hasSizeGreaterThanOrEqualTo(2).allSatisfy(name -> assertThat(name).startsWith("vert.x-eventloop"));
        // and the service's own routes answer on them all the same
        assertThat(mailer.get("/").statusCode()).isEqualTo(200);
    }
}
