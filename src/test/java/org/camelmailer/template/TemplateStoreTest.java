package org.camelmailer.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateStoreTest {

    @TempDir
    Path dir;
    TemplateStore store;

    @BeforeEach
    void setUp() {
        store = new TemplateStore(dir);
    }

    private Path write(String template, String part, String content) throws IOException {
        Path file = dir.resolve(template).resolve(part + ".mustache");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private void welcome() throws IOException {
        write("welcome", "subject", "Bienvenue, {{name}}\n");
        write("welcome", "text", "Bonjour {{name}},\n{{#items}}- {{title}}\n{{/items}}{{^items}}rien\n{{/items}}");
        write("welcome", "html", "<p>Bonjour {{name}}</p><ul>{{#items}}<li>{{title}}</li>{{/items}}</ul>");
    }

    private static Map<String, Object> vars(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static void assertRefused(ThrowingCallable call, int status, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TemplateException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void should_render_each_part_with_sections_against_their_elements() throws IOException {
        welcome();
        Rendered r = store.render("welcome", vars("name", "Alice",
                "items", List.of(Map.of("title", "un"), Map.of("title", "deux"))));

        assertThat(r.subject()).isEqualTo("Bienvenue, Alice");
        assertThat(r.text()).isEqualTo("Bonjour Alice,\n- un\n- deux\n");
        assertThat(r.html()).isEqualTo("<p>Bonjour Alice</p><ul><li>un</li><li>deux</li></ul>");
    }

    @Test
    void should_treat_an_absent_section_as_false() throws IOException {
        welcome();
        Rendered r = store.render("welcome", vars("name", "Alice"));
        assertThat(r.text()).isEqualTo("Bonjour Alice,\nrien\n");
        assertThat(r.html()).isEqualTo("<p>Bonjour Alice</p><ul></ul>");
    }

    @Test
    void should_give_null_for_a_part_without_a_file() throws IOException {
        write("note", "text", "{{body}}");
        Rendered r = store.render("note", vars("body", "salut"));
        assertThat(r).isEqualTo(new Rendered(null, "salut", null));
    }

    @Test
    void should_escape_html_in_the_html_part_only() throws IOException {
        write("x", "subject", "Re: {{v}}");
        write("x", "text", "{{v}}");
        write("x", "html", "<p>{{v}}</p>{{{v}}}");
        Rendered r = store.render("x", vars("v", "<script>alert('x') & \"y\"</script>"));

        assertThat(r.subject()).isEqualTo("Re: <script>alert('x') & \"y\"</script>");
        assertThat(r.text()).isEqualTo("<script>alert('x') & \"y\"</script>");
        assertThat(r.html()).startsWith("<p>&lt;script&gt;alert(").doesNotContain("<p><script>")
                .endsWith("</p><script>alert('x') & \"y\"</script>");
    }

    @Test
    void should_use_an_edited_file_on_the_next_render() throws IOException {
        Path text = write("x", "text", "v1 {{a}}");
        Files.setLastModifiedTime(text, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(store.render("x", vars("a", "A")).text()).isEqualTo("v1 A");

        // same size on purpose: only the time tells the change
        Files.writeString(text, "v2 {{a}}");
        Files.setLastModifiedTime(text, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        assertThat(store.render("x", vars("a", "A")).text()).isEqualTo("v2 A");
    }

    @Test
    void should_use_a_file_saved_by_rename_with_the_same_time_and_size() throws IOException {
        FileTime time = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Path text = write("x", "text", "v1 {{a}}");
        Files.setLastModifiedTime(text, time);
        assertThat(store.render("x", vars("a", "A")).text()).isEqualTo("v1 A");

        // as editors save: a new file moved over the old one, here within the same tick of the clock
        Path saved = dir.resolve("x").resolve(".text.mustache.swp");
        Files.writeString(saved, "v2 {{a}}");
        Files.setLastModifiedTime(saved, time);
        Files.move(saved, text, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(store.render("x", vars("a", "A")).text()).isEqualTo("v2 A");
    }

    @Test
    void should_use_a_part_added_or_removed_on_the_next_render() throws IOException {
        write("x", "text", "t");
        assertThat(store.render("x", Map.of()).html()).isNull();
        Path html = write("x", "html", "<b>h</b>");
        assertThat(store.render("x", Map.of()).html()).isEqualTo("<b>h</b>");
        Files.delete(html);
        assertThat(store.render("x", Map.of()).html()).isNull();
    }

    @Test
    void should_answer_404_for_an_unknown_template() throws IOException {
        assertRefused(() -> store.render("nope", Map.of()), 404, "Le modèle 'nope' n'existe pas.");
        Files.createDirectories(dir.resolve("empty"));
        assertRefused(() -> store.render("empty", Map.of()), 404, "Le modèle 'empty' n'existe pas.");
        assertRefused(() -> new TemplateStore(dir.resolve("absent")).render("nope", Map.of()), 404,
                "Le modèle 'nope' n'existe pas.");
    }

    @Test
    void should_answer_400_for_a_name_that_is_not_a_safe_name() throws IOException {
        write("x", "text", "secret");
        for (String bad : new String[] {"../x", "x/..", "..", ".", "a b", "x/text", "", "é", "a".repeat(65)}) {
            assertThatThrownBy(() -> store.render(bad, Map.of())).as(bad)
                    .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        assertRefused(() -> store.render("../x", Map.of()), 400,
                "Le nom de modèle '../x' n'est pas valide : lettres, chiffres, '-' et '_' seulement (64 au plus).");
        assertThatThrownBy(() -> store.render(null, Map.of())).isInstanceOfSatisfying(TemplateException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void should_answer_422_naming_a_template_that_does_not_compile() throws IOException {
        write("broken", "text", "ok");
        write("broken", "html", "{{#items}}<li>{{title}}</li>");
        assertThatThrownBy(() -> store.render("broken", Map.of())).isInstanceOfSatisfying(TemplateException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.getMessage()).startsWith("Le modèle 'broken' ne compile pas (html.mustache) : ")
                    .contains("items");
        });
    }

    @Test
    void should_refuse_partials_so_no_file_outside_the_template_is_read() throws IOException {
        Files.writeString(dir.resolve("secret.mustache"), "secret");
        write("p", "text", "{{> ../secret}}");
        assertRefused(() -> store.render("p", Map.of()), 422,
                "Le modèle 'p' ne compile pas (text.mustache) : les partiels ({{> …}}, {{< …}}) ne sont pas pris en charge.");
    }

    @Test
    void should_refuse_a_file_that_is_not_utf8() throws IOException {
        Path file = dir.resolve("latin").resolve("text.mustache");
        Files.createDirectories(file.getParent());
        Files.write(file, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(() -> store.render("latin", Map.of()), 422,
                "Le modèle 'latin' ne compile pas (text.mustache) : le fichier n'est pas en UTF-8.");
    }

    @Test
    void should_answer_422_naming_a_missing_variable() throws IOException {
        welcome();
        assertRefused(() -> store.render("welcome", Map.of()), 422,
                "La variable 'name' du modèle 'welcome' est manquante.");
        assertRefused(() -> store.render("welcome", vars("name", null)), 422,
                "La variable 'name' du modèle 'welcome' est manquante.");
        assertRefused(() -> store.render("welcome", null), 422,
                "La variable 'name' du modèle 'welcome' est manquante.");
    }

    @Test
    void should_name_every_missing_variable_and_check_the_first_segment_of_a_dotted_name() throws IOException {
        write("x", "text", "{{a}} {{{b}}} {{& c}} {{user.name}}");
        assertRefused(() -> store.render("x", Map.of()), 422,
                "Les variables 'a', 'b', 'c', 'user' du modèle 'x' sont manquantes.");
        assertThat(store.render("x", vars("a", 1, "b", true, "c", 2.5, "user", Map.of("name", "Zoé"))).text())
                .isEqualTo("1 true 2.5 Zoé");
    }

    @Test
    void should_not_require_names_inside_sections_or_inverted_sections() throws IOException {
        write("x", "text", "{{#items}}{{title}}{{/items}}{{^vip}}{{nickname}}{{/vip}}{{#flag}}{{inside}}{{/flag}}.");
        assertThat(store.render("x", Map.of()).text()).isEqualTo(".");
    }

    @Test
    void should_refuse_a_subject_broken_by_a_variable() throws IOException {
        write("x", "subject", "Bonjour {{name}} ({{city}})\r\n");
        assertThat(store.render("x", vars("name", "Alice", "city", "Lyon")).subject()).isEqualTo("Bonjour Alice (Lyon)");
        assertRefused(() -> store.render("x", vars("name", "Alice", "city", "Lyon\r\nBcc: evil@example.org")), 422,
                "La variable 'city' du modèle 'x' met un retour à la ligne dans le sujet.");
        assertRefused(() -> store.render("x", vars("name", "A\nB", "city", "Lyon")), 422,
                "La variable 'name' du modèle 'x' met un retour à la ligne dans le sujet.");
    }

    @Test
    void should_refuse_a_subject_file_with_a_line_break_inside_and_a_subject_over_998_characters() throws IOException {
        write("twolines", "subject", "un\ndeux\n");
        assertRefused(() -> store.render("twolines", Map.of()), 422,
                "Le sujet du modèle 'twolines' contient un retour à la ligne.");

        write("long", "subject", "{{s}}");
        assertThat(store.render("long", vars("s", "x".repeat(998))).subject()).hasSize(998);
        assertRefused(() -> store.render("long", vars("s", "x".repeat(999))), 422,
                "Le sujet rendu par le modèle 'long' dépasse 998 caractères (999).");
    }

    @Test
    void should_list_templates_sorted_with_their_parts_and_variables() throws IOException {
        welcome();
        write("a-note", "html", "{{^vip}}{{nickname}}{{/vip}}{{#items}}{{title}}{{/items}}{{user.name}}");
        write("a-note", "text", "{{.}}{{! comment }}");
        Files.createDirectories(dir.resolve("no-parts"));
        Files.createDirectories(dir.resolve("bad name"));
        Files.writeString(dir.resolve("bad name").resolve("text.mustache"), "x");
        Files.writeString(dir.resolve("README.txt"), "not a template");

        assertThat(store.list()).containsExactly(
                new TemplateInfo("a-note", List.of("text", "html"), List.of("items", "nickname", "user", "vip")),
                new TemplateInfo("welcome", List.of("subject", "text", "html"), List.of("items", "name")));
        assertThat(new TemplateStore(dir.resolve("absent")).list()).isEmpty();
    }

    @Test
    void should_list_a_template_that_does_not_compile_with_the_variables_of_its_other_parts() throws IOException {
        write("broken", "subject", "{{s}}");
        write("broken", "html", "{{#x}}");
        assertThat(store.list()).containsExactly(new TemplateInfo("broken", List.of("subject", "html"), List.of("s")));
    }

    @Test
    void should_ship_a_welcome_template_that_renders() {
        TemplateStore shipped = new TemplateStore(Path.of("templates"));
        assertThat(shipped.list()).extracting(TemplateInfo::name).contains("welcome");
        TemplateInfo welcome = shipped.list().stream().filter(t -> t.name().equals("welcome")).findFirst().orElseThrow();
        assertThat(welcome.parts()).containsExactly("subject", "text", "html");

        Rendered r = shipped.render("welcome", vars("name", "Alice", "product", "Acme Cloud",
                "features", List.of(Map.of("title", "Envoi <rapide>"), Map.of("title", "Suivi"))));
        assertThat(r.subject()).isEqualTo("Bienvenue sur Acme Cloud, Alice !");
        assertThat(r.text()).contains("Bonjour Alice,").contains("- Envoi <rapide>");
        assertThat(r.html()).contains("Bonjour Alice").contains("&#10003; Envoi &lt;rapide&gt;</p>");
    }
}
