package org.camelmailer.api;

import java.util.concurrent.TimeUnit;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.CamelContextHelper;

/**
 * Spreads the HTTP connections over the cores. Camel's platform-http server listens from one Vert.x event loop,
 * which then reads every request and writes every answer on a single thread: under load that thread is the API's
 * ceiling. More servers on the same host and port, each on an event loop of its own, share the connections
 * (Vert.x hands new connections to them in turn) and pass every request to the same router.
 */
public final class HttpAcceptors {

    private HttpAcceptors() {
    }

    /** Call once the HTTP server is up: {@code total} servers in all, counting Camel's own. */
    public static void spread(CamelContext context, int total) throws Exception {
        if (total < 2) {
            return;
        }
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(context, VertxPlatformHttpRouter.class);
        if (router == null) {
            throw new IllegalStateException("no platform-http (Vert.x) server to spread over the event loops");
        }
        VertxPlatformHttpServer platform = router.getServer();
        Handler<HttpServerRequest> handler = platform.getServer().requestHandler();
        String host = platform.getHost();
        int port = platform.getPort();
        router.vertx().deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(new HttpServerOptions()).requestHandler(handler).listen(port, host)
                        .<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(total - 1))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
