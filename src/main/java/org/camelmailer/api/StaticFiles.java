package org.camelmailer.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Files of this jar's class path answered on the API's Vert.x router (the pages /docs and /dashboard), each with the
 * page's Content-Security-Policy, {@code nosniff} and its type from its extension; read once, then kept in memory.
 */
public final class StaticFiles {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml");

    private final String csp;
    private final Map<String, Buffer> cache = new ConcurrentHashMap<>();

    public StaticFiles(String csp) {
        this.csp = csp;
    }

    /** Answers the class path resource {@code resource}. */
    public void serve(RoutingContext ctx, String resource) {
        send(ctx, cache.computeIfAbsent(resource, StaticFiles::read), resource);
    }

    /** Answers {@code body} as the file {@code name} (its type from the extension). */
    public void send(RoutingContext ctx, Buffer body, String name) {
        ctx.response().putHeader("Content-Type", TYPES.get(name.substring(name.lastIndexOf('.') + 1)))
                .putHeader("Content-Security-Policy", csp)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Cache-Control", "no-cache")
                .end(body);
    }

    /** The bytes of a class path resource; one that is not there is a packaging error. */
    public static Buffer read(String resource) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("not on the class path: " + resource);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
