package org.camelmailer.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.camelmailer.api.schema.OneOfSchemas;

/**
 * GET /docs: Swagger UI on the document camel-openapi-java serves at /openapi.json (routes/*.camel.yaml's rest DSL).
 * Swagger UI's files come from its webjar on the class path, the page and its initializer from docs/ in this jar;
 * nothing from a CDN. They are answered on the API's router, behind the HTTP edge's Host check and CORS like every
 * path, with a Content-Security-Policy that lets the page run only its own scripts (no inline script) and fetch only
 * from this service. A name that is not one of these files falls through to the edge's JSON 404.
 */
public final class ApiDocs {

    static final String PATH = "/docs";

    /** What the page needs: its own script, Swagger UI's styles (and inline style attributes) and images as data:. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The webjar's files served under /docs/ (the rest of it is not needed by the page). */
    private static final Set<String> WEBJAR_FILES = Set.of("swagger-ui.css", "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js", "favicon-32x32.png", "favicon-16x16.png");

    private final String webjar;
    private final StaticFiles files = new StaticFiles(CSP);

    private ApiDocs(String webjar) {
        this.webjar = webjar;
    }

    /** Serves /docs on {@code router}; the schemas' converter is put in place for /openapi.json as well. */
    public static void install(Router router) {
        OneOfSchemas.install();
        ApiDocs docs = new ApiDocs("META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/");
        router.route(HttpMethod.GET, PATH).handler(ctx -> docs.files.serve(ctx, "docs/index.html"));
        router.route(HttpMethod.GET, PATH + "/").handler(ctx -> docs.files.serve(ctx, "docs/index.html"));
        router.route(HttpMethod.GET, PATH + "/swagger-initializer.js")
                .handler(ctx -> docs.files.serve(ctx, "docs/swagger-initializer.js"));
        router.route(HttpMethod.GET, PATH + "/:file").handler(docs::webjarFile);
    }

    private void webjarFile(RoutingContext ctx) {
        String file = ctx.pathParam("file");
        if (!WEBJAR_FILES.contains(file)) {
            ctx.next();
            return;
        }
        files.serve(ctx, webjar + file);
    }

    /** The webjar's version, from its Maven metadata: the folder its files are in. */
    static String swaggerUiVersion() {
        try (InputStream in = ApiDocs.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
