package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.camelmailer.support.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /templates through the running application: the shipped welcome template, the API key, an edit seen at once. */
class TemplatesApiTest {

    static final String API_KEY = "templates-test-key";
    static RunningMailer mailer;
    static Path templates;

    @BeforeAll
    static void start() throws IOException {
        // the project's own templates/welcome, copied: this test adds and edits files beside it
        templates = TempDirs.create("templates");
        Files.createDirectories(templates.resolve("welcome"));
        try (var files = Files.list(Path.of("templates", "welcome"))) {
            for (Path file : files.toList()) {
                Files.copy(file, templates.resolve("welcome").resolve(file.getFileName()));
            }
        }
        mailer = RunningMailer.onOwnRedis(Map.of("MAILER_API_KEY", API_KEY, "MAILER_TEMPLATES_DIR", templates.toString()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    private static HttpResponse<String> getTemplates() {
        return mailer.send(HttpRequest.newBuilder(mailer.uri("/templates")).header("X-API-Key", API_KEY).GET().build());
    }

    @Test
    void should_list_the_welcome_template_with_its_parts_and_variables() {
        HttpResponse<String> r = getTemplates();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.parse(r.body()).get("templates")).asList().first().isEqualTo(Map.of("name", "welcome",
                "parts", List.of("subject", "text", "html"),
                "variables", List.of("features", "name", "product")));
    }

    @Test
    void should_need_the_api_key() {
        HttpResponse<String> r = mailer.get("/templates");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
    }

    @Test
    void should_show_a_template_added_or_edited_without_a_restart() throws IOException {
        Path text = templates.resolve("zz-receipt").resolve("text.mustache");
        Files.createDirectories(text.getParent());
        Files.writeString(text, "Merci {{name}}.");
        Files.setLastModifiedTime(text, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(getTemplates().body())
                .endsWith(",{\"name\":\"zz-receipt\",\"parts\":[\"text\"],\"variables\":[\"name\"]}]}");

        Files.writeString(text, "Merci {{name}}, commande {{order}}.");
        Files.setLastModifiedTime(text, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        assertThat(getTemplates().body())
                .endsWith(",{\"name\":\"zz-receipt\",\"parts\":[\"text\"],\"variables\":[\"name\",\"order\"]}]}");
    }
}
