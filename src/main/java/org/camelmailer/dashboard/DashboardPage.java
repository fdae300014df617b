package org.camelmailer.dashboard;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import org.camelmailer.api.StaticFiles;

/**
 * GET /dashboard: the operators' page (dashboard/ in this jar: one HTML file, one script, one style sheet; nothing
 * from a CDN), answered on the API's router like /docs, behind the HTTP edge's Host check and CORS. The page is
 * public; everything it shows or does goes through the /admin and /message endpoints, with the API key the operator
 * types into it when MAILER_API_KEY is set. Its Content-Security-Policy lets it run its own script only (no inline
 * script or handler, no eval), fetch only from this service, and be framed by no page.
 */
public final class DashboardPage {

    static final String PATH = "/dashboard";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private DashboardPage() {
    }

    /**
     * Serves the page on {@code router}. {@code keyRequired}: MAILER_API_KEY is set, written into the page's
     * {@code data-api-key} so that it asks for the key before its first request rather than after a 401.
     */
    public static void install(Router router, boolean keyRequired) {
        StaticFiles files = new StaticFiles(CSP);
        Buffer index = Buffer.buffer(StaticFiles.read("dashboard/index.html").toString(StandardCharsets.UTF_8)
                .replace("data-api-key=\"\"", "data-api-key=\"" + (keyRequired ? "required" : "none") + "\""));
        router.route(HttpMethod.GET, PATH).handler(ctx -> files.send(ctx, index, "index.html"));
        router.route(HttpMethod.GET, PATH + "/").handler(ctx -> files.send(ctx, index, "index.html"));
        router.route(HttpMethod.GET, PATH + "/dashboard.js").handler(ctx -> files.serve(ctx, "dashboard/dashboard.js"));
        router.route(HttpMethod.GET, PATH + "/dashboard.css").handler(ctx -> files.serve(ctx, "dashboard/dashboard.css"));
        router.route(HttpMethod.GET, PATH + "/favicon.svg").handler(ctx -> files.serve(ctx, "dashboard/favicon.svg"));
    }
}
