package org.camelmailer.deliver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.camelmailer.queue.MailTask;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MailComposerTest {

    static final String SUBJECT = "Réunion été — compte rendu";
    static final String TEXT = "Bonjour, voici le compte rendu de la réunion d'été. À bientôt, Cécile.";
    static final String HTML = "<p>Bonjour, voici le <b>compte rendu</b> de la réunion d'été.</p>";

    private final MailComposer composer = new MailComposer("noreply@example.org");

    static MailTask task(String id, String to, String subject, String message) {
        return new MailTask(id, to, subject, message, false, 0, "2025-01-01T00:00:00Z");
    }

    static MailTask task() {
        return task("task-42", "alice@example.com", SUBJECT, TEXT);
    }

    // What a receiver sees: the serialised bytes, not the in-memory object.
    static MimeMessage reparse(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void should_write_plain_text_message_that_parses_back_with_its_accents() throws Exception {
        MimeMessage parsed = reparse(composer.compose(task(), null));

        assertThat(parsed.getFrom()).containsExactly(new InternetAddress("noreply@example.org"));
        assertThat(parsed.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress("alice@example.com"));
        assertThat(parsed.getSubject()).isEqualTo(SUBJECT);
        assertThat(parsed.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(parsed.getEncoding()).isEqualTo("quoted-printable");
        assertThat(parsed.getContent()).isEqualTo(TEXT);
        assertThat(parsed.getMessageID()).isEqualTo("<task-42@example.org>");
        assertThat(parsed.getSentDate().toInstant()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
    }

    @Test
    void should_encode_subject_as_utf8_encoded_word() throws Exception {
        MimeMessage parsed = reparse(composer.compose(task(), null));

        assertThat(parsed.getHeader("Subject", null)).startsWith("=?UTF-8?").doesNotContain("é");
    }

    @Test
    void should_emit_only_the_expected_headers() throws Exception {
        MimeMessage parsed = reparse(composer.compose(task(), null));

        List<String> names = new ArrayList<>();
        for (Header header : Collections.list(parsed.getAllHeaders())) {
            names.add(header.getName());
        }
        assertThat(names).containsExactlyInAnyOrder(
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                "Content-Type", "Content-Transfer-Encoding");
    }

    @Test
    void should_build_alternative_with_text_first_and_html_second() throws Exception {
        MimeMessage parsed = reparse(composer.compose(task(), HTML));

        assertThat(parsed.getContentType()).startsWith("multipart/alternative");
        MimeMultipart multipart = (MimeMultipart) parsed.getContent();
        assertThat(multipart.getCount()).isEqualTo(2);
        BodyPart text = multipart.getBodyPart(0);
        BodyPart html = multipart.getBodyPart(1);
        assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(text.getContent()).isEqualTo(TEXT);
        assertThat(html.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(html.getContent()).isEqualTo(HTML);
    }

    @Test
    void should_keep_message_id_across_save() throws Exception {
        MimeMessage message = composer.compose(task(), HTML);

        message.saveChanges();
        message.saveChanges();

        assertThat(message.getMessageID()).isEqualTo("<task-42@example.org>");
        assertThat(reparse(message).getMessageID()).isEqualTo("<task-42@example.org>");
    }

    @Test
    void should_give_a_redelivery_the_same_message_id() throws Exception {
        MimeMessage first = composer.compose(task(), null);
        MimeMessage second = composer.compose(task().nextAttempt(), null);

        assertThat(second.getMessageID()).isEqualTo(first.getMessageID());
    }

    @Test
    void should_fall_back_to_camel_mailer_domain_when_sender_has_none() throws Exception {
        MimeMessage message = new MailComposer("noreply").compose(task(), null);

        assertThat(message.getMessageID()).isEqualTo("<task-42@camel-mailer>");
    }

    @Test
    void should_reject_crlf_in_subject() {
        MailTask injected = task("t1", "alice@example.com", "Hello\r\nBcc: victim@example.net", TEXT);

        assertThatThrownBy(() -> composer.compose(injected, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
    }

    @Test
    void should_reject_lf_in_recipient() {
        MailTask injected = task("t1", "alice@example.com\nBcc: victim@example.net", SUBJECT, TEXT);

        assertThatThrownBy(() -> composer.compose(injected, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recipient");
    }

    @Test
    void should_reject_more_than_one_recipient() {
        MailTask two = task("t1", "alice@example.com, bob@example.com", SUBJECT, TEXT);

        assertThatThrownBy(() -> composer.compose(two, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_reject_task_id_that_could_break_the_message_id() {
        MailTask odd = task("a>b@evil", "alice@example.com", SUBJECT, TEXT);

        assertThatThrownBy(() -> composer.compose(odd, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
