package org.camelmailer.api;

import java.util.Set;
import java.util.TreeSet;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.camelmailer.config.CorsOrigins;
import org.camelmailer.content.LargeMessageGate;

/**
 * What the Vert.x HTTP server answers before a request reaches a route, or when none takes it: the Host check (421
 * for a name this service does not answer to, see {@link AllowedHosts}), CORS for every route from CORS_ORIGINS
 * (browsers' preflights are answered here, see {@link CorsOrigins}), and JSON bodies for what Vert.x answers itself:
 * 413 when a body is over {@code camel.server.max-body-size}, 404 for an unknown path, 405 (with {@code Allow}) for
 * a known path asked with another method. Vert.x's own answers there are an HTML page and an empty body.
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

    private static final String NOT_FOUND = "{\"status\":\"error\",\"message\":\"Ressource introuvable.\"}";

    private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);
    /** The paths that take attachments, and so bodies over MAILER_MAX_BODY_SIZE. */
    private static final Set<String> MESSAGE_PATHS = Set.of("/message", "/messages/batch");
    private static final String BUSY = "{\"status\":\"error\",\"message\":"
            + "\"Trop de messages volumineux en cours : réessayez dans quelques secondes.\"}";

    private HttpEdge() {
    }

    /** Call once the HTTP server is up, before the routes start. */
    public static void install(CamelContext context, CorsOrigins origins, AllowedHosts hosts, long bodyLimit,
                               LargeMessageGate large) {
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
        // the server reads bodies as large as a message with its attachments; every other path keeps the small limit
        // and a message path takes a large body (attachments) only while one of MAILER_LARGE_MESSAGES turns is free:
        // the server buffers a body whole, and a few 14 MB ones at once would exhaust the heap
        router.route().order(-2).handler(ctx -> {
            long length = contentLength(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH));
            if (!MESSAGE_PATHS.contains(ctx.normalizedPath())) {
                if (length > bodyLimit) {
                    json(ctx, 413, TOO_LARGE);
                } else {
                    ctx.next();
                }
            } else if (!large.isLarge(length)) {
                ctx.next();
            } else if (large.tryEnter(length)) {
                ctx.addEndHandler(done -> large.leave(length));
                ctx.next();
            } else {
                ctx.response().putHeader("Retry-After", "5");
                json(ctx, 503, BUSY);
            }
        });
        notFoundAndNotAllowed(router);
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

    /**
     * MAILER_API_KEY on {@code path} and below (Camel's Jolokia, which no Camel route serves and so no route checks),
     * also as the password of {@code Authorization: Basic}, the only way Hawtio sends credentials:
     * after the Host check, the body limit and CORS (a browser's preflight is answered there, without a key), before
     * the path's own handlers read a body. The same path pattern as Camel's route, so Vert.x matches both alike.
     */
    public static void requireKey(CamelContext context, String path, ApiKeyGuard guard) {
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(context, VertxPlatformHttpRouter.class);
        router.route(path + "/*").order(-1).handler(ctx -> {
            if (guard.acceptsOrBasic(ctx.request().getHeader(ApiKeyGuard.API_KEY_HEADER),
                    ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
                ctx.next();
            } else {
                json(ctx, 401, "{\"status\":\"error\",\"message\":\"" + ApiKeyGuard.REFUSED + "\"}");
            }
        });
    }

    /** The declared length, 0 when there is none (a chunked body: the server's own limit holds it). */
    private static long contentLength(String header) {
        try {
            return header == null ? 0 : Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * What the server must read for a message with attachments of {@code maxMessageSize} decoded bytes: their base64
     * (4/3) plus {@code bodyLimit} for the rest. Other paths are held to {@code bodyLimit} by this edge, and the
     * message paths' own check (MessageValidator) holds what is not attachment to it too.
     */
    public static long serverBodyLimit(long bodyLimit, long maxMessageSize) {
        return Math.min(Integer.MAX_VALUE, bodyLimit + (maxMessageSize + 2) / 3 * 4 + 64 * 1024);
    }

    /**
     * 404 and 405 are decided by the server's root router (the routes live in a router mounted under it), so their
     * handlers go there. Vert.x 4.5 loses the methods a mounted router's routes allow on the way up (its Allow header
     * is empty): they are read again from the routes whose path matches.
     */
    private static void notFoundAndNotAllowed(VertxPlatformHttpRouter router) {
        if (!(router.getServer().getServer().requestHandler() instanceof Router root)) {
            LOG.warn("the HTTP server's handler is not a Vert.x router: unknown paths and methods are not answered in JSON");
            return;
        }
        root.errorHandler(404, ctx -> json(ctx, 404, NOT_FOUND));
        root.errorHandler(405, ctx -> {
            String allow = allowedMethods(router, ctx.normalizedPath());
            ctx.response().putHeader(HttpHeaders.ALLOW, allow);
            json(ctx, 405, "{\"status\":\"error\",\"message\":\"Méthode non autorisée pour cette ressource"
                    + (allow.isEmpty() ? "" : " (" + allow + ")") + ".\"}");
        });
    }

    /** The methods of the routes whose path matches {@code path}, e.g. "GET" or "GET, POST". */
    static String allowedMethods(Router router, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null && pathMatches(route.getPath(), path)) {
                route.methods().forEach(m -> methods.add(m.name()));
            }
        }
        return String.join(", ", methods);
    }

    /** Vert.x's path rules for the routes Camel declares: literal segments, {@code :name} for one, a final '*'. */
    static boolean pathMatches(String routePath, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (routePath.endsWith("*")) {
            return p.startsWith(routePath.substring(0, routePath.length() - 1));
        }
        String[] want = routePath.split("/", -1);
        String[] got = p.split("/", -1);
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean param = want[i].startsWith(":") && !got[i].isEmpty();
            if (!param && !want[i].equals(got[i])) {
                return false;
            }
        }
        return true;
    }

    private static void json(io.vertx.ext.web.RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
    }
}
