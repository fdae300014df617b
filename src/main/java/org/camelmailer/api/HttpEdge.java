package org.camelmailer.api;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.CamelContextHelper;

/**
 * What the Vert.x HTTP server answers before a request reaches a route: CORS for every route, from
 * CORS_ORIGINS ("*" or a comma-separated list; browsers' preflights are answered here), and a JSON body
 * for 413, which Vert.x sends itself when a body is over {@code camel.server.max-body-size}.
 */
public final class HttpEdge {

    private static final String TOO_LARGE = "{\"status\":\"error\",\"message\":"
            + "\"Le corps de la requête dépasse la taille maximale autorisée.\"}";

    private static final String FORBIDDEN_ORIGIN = "{\"status\":\"error\",\"message\":"
            + "\"Origine non autorisée (CORS_ORIGINS).\"}";

    private HttpEdge() {
    }

    /** Call once the HTTP server is up. */
    public static void install(CamelContext context, String origins) {
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(context, VertxPlatformHttpRouter.class);
        if (router == null) {
            throw new IllegalStateException("no platform-http (Vert.x) server to install CORS on");
        }
        router.route().order(-1).handler(cors(origins)).failureHandler(ctx -> {
            if (ctx.response().ended()) {
                ctx.next();
            } else if (ctx.statusCode() == 413) {
                json(ctx, 413, TOO_LARGE);
            } else if (ctx.statusCode() == 403) {
                // the CORS handler refused the Origin: a JSON answer, and no ERROR log line per request
                json(ctx, 403, FORBIDDEN_ORIGIN);
            } else {
                ctx.next();
            }
        });
    }

    private static void json(io.vertx.ext.web.RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
    }

    static CorsHandler cors(String origins) {
        List<String> list = Arrays.stream(origins.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        CorsHandler cors = list.isEmpty() || list.contains("*") ? CorsHandler.create() : CorsHandler.create().addOrigins(list);
        return cors
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Content-Type", "Idempotency-Key", "Authorization", "X-API-Key"))
                .maxAgeSeconds(600);
    }
}
