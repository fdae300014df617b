package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.camelmailer.support.HeadlessChromium;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /docs: Swagger UI served by the service itself, on its /openapi.json, under its own Content-Security-Policy. */
class ApiDocsTest {

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        // with an API key: the description is public all the same
        mailer = RunningMailer.onOwnRedis(Map.of("MAILER_API_KEY", "docs-test-key"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    @Test
    void should_serve_the_page_and_its_files_with_their_types() {
        assertServed("/docs", "text/html");
        assertServed("/docs/", "text/html");
        assertServed("/docs/swagger-initializer.js", "text/javascript");
        assertServed("/docs/swagger-ui-bundle.js", "text/javascript");
        assertServed("/docs/swagger-ui-standalone-preset.js", "text/javascript");
        assertServed("/docs/swagger-ui.css", "text/css");
        assertServed("/docs/favicon-32x32.png", "image/png");
        assertThat(mailer.get("/docs").body()).doesNotContain("<script>").contains("/docs/swagger-initializer.js");
        assertThat(mailer.get("/openapi.json").statusCode()).isEqualTo(200);
    }

    @Test
    void should_answer_json_404_for_other_names_under_docs() {
        for (String path : new String[] {"/docs/index.html", "/docs/oauth2-redirect.html", "/docs/..%2Fpom.properties",
                "/docs/swagger-ui.js"}) {
            HttpResponse<String> r = mailer.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo("{\"status\":\"error\",\"message\":\"Ressource introuvable.\"}");
        }
    }

    @Test
    void should_render_every_operation_in_headless_chromium_without_a_console_line() {
        Assumptions.assumeTrue(HeadlessChromium.available(),
                "no " + HeadlessChromium.BINARY + ": .ci/run should run `" + HeadlessChromium.INSTALL + "`");
        HeadlessChromium.Page page = HeadlessChromium.load(mailer.uri("/docs").toString(), Duration.ofSeconds(60));
        assertThat(page.dom()).contains("camel-mailer", "opblock");
        for (String path : new String[] {"/message", "/message/{task_id}", "/messages/batch", "/templates",
                "/admin/dead-letters", "/admin/dead-letters/redrive", "/admin/dead-letters/{task_id}/redrive"}) {
            assertThat(page.dom()).as(path).contains("data-path=\"" + path + "\"");
        }
        assertThat(page.console()).as(page.log()).isEmpty();
    }

    static void assertServed(String path, String type) {
        HttpResponse<String> r = mailer.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith(type));
        assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).isPresent();
        assertThat(r.body()).as(path).isNotEmpty();
    }
}
