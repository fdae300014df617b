package org.camelmailer.api;

import io.vertx.core.http.HttpHeaders;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Vert.x HTTP server answers before a request reaches a route: the Host check (421 for a name this
 * service does not answer to, see {@link AllowedHosts}), CORS for every route from CORS_ORIGINS (browsers'
 * preflights are answered here, see {@link CorsOrigins}), and a JSON body for 413, which Vert.x sends itself when a
 * body is over {@code camel.server.max-body-size}.
 */
public final class HttpEdge {

    private static final String TOO_LARGE = "{\"status\":\"error\",\"message\":"
            + "\"Le corps de la requête dépasse la taille maximale autorisée.\"}";

    private static final String FORBIDDEN_ORIGIN = "{\"status\":\"error\",\"message\":"
            + "\"Origine non autorisée (CORS_ORIGINS).\"}";

    /*
     * 421 Misdirected Request (RFC 9110 15.5.20): this server does not answer for the authority the request names.
     * Not 403, which the API gives for a refused Origin or recipient domain: the code alone says what to fix.
     */
    private static final String MISDIRECTED = "{\"status\":\"error\",\"message\":"
            + "\"Hôte non autorisé : ce service ne répond qu'aux noms de loopback et à MAILER_ALLOWED_HOSTS.\"}";

    private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);

    private HttpEdge() {
    }

    /** Call once the HTTP server is up, before the routes start. */
    public static void install(CamelContext context, CorsOrigins origins, AllowedHosts hosts) {
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(context, VertxPlatformHttpRouter.class);
        if (router == null) {
            throw new IllegalStateException("no platform-http (Vert.x) server to install CORS on");
        }
        LOG.info(origins.describe());
        LOG.info(hosts.describe());
        if (hosts.enabled()) {
            router.route().order(-2).handler(ctx -> {
                if (hosts.allows(ctx.request().getHeader(HttpHeaders.HOST))) {
                    ctx.next();
                } else {
                    json(ctx, 421, MISDIRECTED);
                }
            });
        }
        router.route().order(-1).handler(origins.handler()).failureHandler(ctx -> {
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
}
