package org.camelmailer.deliver;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camelmailer.deliver.MailComposerTest.HTML;
import static org.camelmailer.deliver.MailComposerTest.SUBJECT;
import static org.camelmailer.deliver.MailComposerTest.TEXT;
import static org.camelmailer.deliver.MailComposerTest.task;

class OutboxWriterTest {

    @TempDir
    Path tmp;

    private final MailComposer composer = new MailComposer("noreply@example.org");

    private static MimeMessage read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }

    @Test
    void should_write_task_id_eml_that_parses_back_to_the_same_message() throws Exception {
        Path outbox = tmp.resolve("outbox");

        Path file = new OutboxWriter(outbox).write("task-42", composer.compose(task(), HTML));

        assertThat(file).isEqualTo(outbox.resolve("task-42.eml")).isRegularFile();
        MimeMessage parsed = read(file);
        assertThat(parsed.getSubject()).isEqualTo(SUBJECT);
        assertThat(parsed.getMessageID()).isEqualTo("<task-42@example.org>");
    }

    @Test
    void should_use_crlf_line_endings_only() throws Exception {
        Path file = new OutboxWriter(tmp).write("task-42", composer.compose(task(), HTML));

        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                assertThat(i).as("LF at %d preceded by CR", i).isPositive();
                assertThat(bytes[i - 1]).as("byte before LF at %d", i).isEqualTo((byte) '\r');
            }
        }
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.US_ASCII)).contains("\r\n\r\n");
    }

    @Test
    void should_replace_the_file_on_a_second_write() throws Exception {
        OutboxWriter writer = new OutboxWriter(tmp);
        writer.write("task-42", composer.compose(task(), null));

        Path file = writer.write("task-42",
                composer.compose(MailComposerTest.task("task-42", "alice@example.com", "Second", TEXT), null));

        assertThat(read(file).getSubject()).isEqualTo("Second");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", "..", "", "x.eml", "a\\b"})
    void should_reject_task_id_that_is_not_a_plain_name(String taskId) throws Exception {
        OutboxWriter writer = new OutboxWriter(tmp.resolve("outbox"));
        MimeMessage message = composer.compose(task(), null);

        assertThatThrownBy(() -> writer.write(taskId, message)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tmp.resolve("outbox")).doesNotExist();
        assertThat(tmp.resolve("escape.eml")).doesNotExist();
    }
}
