package org.camelmailer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvFileTest {

    @TempDir
    Path tmp;

    private static Map<String, String> parse(String... lines) {
        return DotEnvFile.parse(".env", List.of(lines));
    }

    @Test
    void should_read_key_value_lines() {
        assertThat(parse("SMTP_SERVER=smtp.example.com", "SMTP_PORT = 465"))
                .containsExactly(Map.entry("SMTP_SERVER", "smtp.example.com"), Map.entry("SMTP_PORT", "465"));
    }

    @Test
    void should_accept_the_export_prefix() {
        assertThat(parse("export GEMINI_MODEL=gemini-2.5-flash"))
                .containsExactly(Map.entry("GEMINI_MODEL", "gemini-2.5-flash"));
    }

    @Test
    void should_unquote_a_double_quoted_value_and_its_escapes() {
        assertThat(parse("SUJET=\"  Hello \\\"world\\\"\\nbye  \""))
                .containsEntry("SUJET", "  Hello \"world\"\nbye  ");
    }

    @Test
    void should_keep_a_single_quoted_value_literally() {
        assertThat(parse("SMTP_PASSWORD='p#ss \\n word'"))
                .containsEntry("SMTP_PASSWORD", "p#ss \\n word");
    }

    @Test
    void should_allow_a_comment_after_the_closing_quote() {
        assertThat(parse("SENDER_EMAIL=\"noreply@example.com\" # who sends"))
                .containsEntry("SENDER_EMAIL", "noreply@example.com");
    }

    @Test
    void should_cut_an_inline_comment_after_an_unquoted_value() {
        assertThat(parse("SMTP_SERVER=smtp.example.com   # the relay"))
                .containsEntry("SMTP_SERVER", "smtp.example.com");
    }

    @Test
    void should_keep_a_hash_that_is_not_preceded_by_a_space() {
        assertThat(parse("SMTP_PASSWORD=abc#def")).containsEntry("SMTP_PASSWORD", "abc#def");
    }

    @Test
    void should_skip_blank_and_comment_lines() {
        assertThat(parse("", "   ", "# a comment", "   # an indented comment", "A=1"))
                .containsExactly(Map.entry("A", "1"));
    }

    @Test
    void should_give_an_empty_value_for_nothing_after_the_equals_sign() {
        assertThat(parse("GEMINI_API_KEY=")).containsEntry("GEMINI_API_KEY", "");
    }

    @Test
    void should_let_a_later_line_override_an_earlier_one() {
        assertThat(parse("SMTP_PORT=25", "SMTP_PORT=587")).containsExactly(Map.entry("SMTP_PORT", "587"));
    }

    @Test
    void should_return_no_entries_for_a_missing_file() {
        assertThat(DotEnvFile.read(tmp.resolve(".env"))).isEmpty();
    }

    @Test
    void should_read_a_file_with_crlf_line_endings() throws Exception {
        Path file = tmp.resolve(".env");
        Files.writeString(file, "# mailer\r\nSMTP_SERVER=smtp.example.com\r\nSMTP_PORT=\"465\"\r\n",
                StandardCharsets.UTF_8);

        assertThat(DotEnvFile.read(file))
                .containsExactly(Map.entry("SMTP_SERVER", "smtp.example.com"), Map.entry("SMTP_PORT", "465"));
    }

    @Test
    void should_reject_a_malformed_line_naming_file_and_line_without_the_secret() {
        String secret = "AIzaSyD-very-secret-gemini-key-0123456789";

        assertThatThrownBy(() -> parse("SMTP_PORT=465", "# comment", "GEMINI_API_KEY " + secret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(".env:3")
                .hasMessageNotContaining(secret);
    }

    @Test
    void should_name_the_file_path_when_a_file_on_disk_is_malformed() throws Exception {
        Path file = tmp.resolve(".env");
        Files.writeString(file, "SMTP_PORT=465\nthis line is wrong\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> DotEnvFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ":2");
    }

    @Test
    void should_reject_an_unterminated_quote_without_showing_the_value() {
        assertThatThrownBy(() -> parse("SMTP_PASSWORD=\"hunter2-secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(".env:1")
                .hasMessageContaining("unterminated")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void should_reject_text_after_the_closing_quote() {
        assertThatThrownBy(() -> parse("A=1", "SMTP_PASSWORD='abc' def"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(".env:2")
                .hasMessageNotContaining("abc");
    }

    @Test
    void should_reject_a_key_that_is_not_an_identifier() {
        assertThatThrownBy(() -> parse("SMTP-SERVER=smtp.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(".env:1");
    }

    @Test
    void should_not_echo_a_short_malformed_line_that_may_hold_a_secret() {
        assertThatThrownBy(() -> parse("PW: hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(".env:1")
                .hasMessageNotContaining("hunter2");
    }
}
