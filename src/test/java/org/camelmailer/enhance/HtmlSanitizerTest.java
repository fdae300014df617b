package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HtmlSanitizerTest {

    private final HtmlSanitizer sanitizer = new HtmlSanitizer();

    @Test
    void should_keep_paragraphs_and_lists() {
        assertThat(sanitizer.sanitize("<p>Bonjour</p><ul><li>budget validé</li></ul>"))
                .isEqualTo("<p>Bonjour</p><ul><li>budget validé</li></ul>");
    }

    @Test
    void should_keep_the_html_of_the_recorded_answer() {
        String html = ((GeminiOutcome.Html) GeminiReply.interpret(200, GeminiFixtures.read("200-ok.json"))).html();

        assertThat(sanitizer.sanitize(html)).contains("<p>Bonjour,</p>", "<li>budget validé</li>", "Cordialement,<br />Alice");
    }

    @Test
    void should_keep_https_links_marked_nofollow_noopener() {
        String clean = sanitizer.sanitize("<a href=\"https://example.org/compte-rendu\">le compte rendu</a>");

        assertThat(clean).contains("href=\"https://example.org/compte-rendu\"", "nofollow", "noopener", ">le compte rendu</a>");
    }

    @Test
    void should_keep_mailto_links() {
        assertThat(sanitizer.sanitize("<a href=\"mailto:alice@example.org\">Alice</a>"))
                .contains("href=\"mailto:alice&#64;example.org\"");
    }

    @Test
    void should_remove_scripts_with_their_content() {
        assertThat(sanitizer.sanitize("<p>Bonjour</p><script>alert(document.cookie)</script>"))
                .isEqualTo("<p>Bonjour</p>");
    }

    @Test
    void should_remove_event_handlers() {
        assertThat(sanitizer.sanitize("<p onclick=\"steal()\">Bonjour</p><div onerror=alert(1)>x</div>"))
                .isEqualTo("<p>Bonjour</p><div>x</div>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"})
    void should_drop_links_with_dangerous_urls(String url) {
        assertThat(sanitizer.sanitize("<p><a href=\"" + url + "\">cliquez</a></p>")).isEqualTo("<p>cliquez</p>");
    }

    @Test
    void should_remove_every_image_so_no_tracking_pixel_gets_through() {
        assertThat(sanitizer.sanitize("<p>Bonjour<img src=\"https://tracker.example/p.gif?u=42\" width=1 height=1></p>"
                + "<img src=\"data:image/png;base64,iVBORw0KGgo=\" onerror=\"alert(1)\">"))
                .isEqualTo("<p>Bonjour</p>");
    }

    @Test
    void should_remove_urls_hidden_in_styles() {
        String clean = sanitizer.sanitize("<div style=\"color:red;background-image:url(https://tracker.example/p.gif)\">x</div>");

        assertThat(clean).doesNotContain("tracker", "url(").contains("color:red", ">x</div>");
    }

    @Test
    void should_remove_embedded_frames_objects_forms_and_style_sheets() {
        String clean = sanitizer.sanitize("<p>a</p><iframe src=\"https://evil.example\"></iframe>"
                + "<object data=\"x.swf\"></object><embed src=\"x.swf\">"
                + "<form action=\"https://evil.example\"><input name=password></form>"
                + "<style>body{background:url(https://tracker.example)}</style><p>b</p>");

        assertThat(clean).isEqualTo("<p>a</p><p>b</p>");
    }

    @Test
    void should_keep_tables_headings_quotes_and_rules() {
        String html = "<h2>Ordre du jour</h2><blockquote>cité</blockquote><hr />"
                + "<table><tbody><tr><th>Poste</th><td colspan=\"2\">1 200 €</td></tr></tbody></table>";

        assertThat(sanitizer.sanitize(html)).isEqualTo(html);
    }

    @Test
    void should_strip_an_html_markdown_fence() {
        assertThat(sanitizer.sanitize("  ```html\n<p>Bonjour</p>\n```\n")).isEqualTo("<p>Bonjour</p>");
    }

    @Test
    void should_strip_a_bare_markdown_fence() {
        assertThat(sanitizer.sanitize("```\n<p>Bonjour</p>\n```")).isEqualTo("<p>Bonjour</p>");
    }

    @Test
    void should_strip_the_opening_fence_of_a_cut_off_answer() {
        assertThat(sanitizer.sanitize("```html\n<p>Bonjour</p>")).isEqualTo("<p>Bonjour</p>");
    }

    @Test
    void should_unwrap_a_whole_document_without_its_head() {
        String document = "```html\n<!DOCTYPE html><html lang=\"fr\"><head><title>Compte rendu</title>"
                + "<style>p{color:red}</style></head><body class=\"x\"><p>Bonjour</p></body></html>\n```";

        assertThat(sanitizer.sanitize(document)).isEqualTo("<p>Bonjour</p>");
    }

    @Test
    void should_return_empty_text_for_null() {
        assertThat(sanitizer.sanitize(null)).isEmpty();
    }
}
