package org.camelmailer.deliver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.HeaderText;
import org.camelmailer.message.MailTask;
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
    void should_refuse_a_sender_without_a_domain() {
        assertThatThrownBy(() -> new MailComposer("noreply"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sender");
    }

    @Test
    void should_end_the_message_id_with_the_sender_domain_in_punycode() throws Exception {
        MimeMessage message = new MailComposer("Équipe <mailer@Müller.example>").compose(task(), null);

        assertThat(message.getMessageID()).isEqualTo("<task-42@xn--mller-kva.example>");
    }

    /** The header lines as they are written to SMTP or the outbox: folded lines kept apart. */
    static List<String> headerLines(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        String raw = out.toString(StandardCharsets.ISO_8859_1);
        return List.of(raw.substring(0, raw.indexOf("\r\n\r\n")).split("\r\n"));
    }

    /** The lines of one header: its first line and its continuation lines. */
    static List<String> headerLines(List<String> lines, String name) {
        List<String> header = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(name + ":")) {
                header.add(line);
            } else if (!header.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                header.add(line);
            } else if (!header.isEmpty()) {
                break;
            }
        }
        return header;
    }

    @Test
    void should_encode_a_non_ascii_sender_name_instead_of_writing_raw_utf8() throws Exception {
        MimeMessage message = new MailComposer("Équipe Mailer <mailer@example.org>").compose(task(), null);

        List<String> from = headerLines(headerLines(message), "From");
        assertThat(from).isNotEmpty().allSatisfy(line -> assertThat(line).matches("\\p{ASCII}*"));
        assertThat(from.get(0)).startsWith("From: =?UTF-8?B?");
        InternetAddress parsed = (InternetAddress) reparse(message).getFrom()[0];
        assertThat(parsed.getPersonal()).isEqualTo("Équipe Mailer");
        assertThat(parsed.getAddress()).isEqualTo("mailer@example.org");
    }

    @Test
    void should_fold_or_encode_a_998_character_subject_without_spaces() throws Exception {
        String subject = "x".repeat(998);

        MimeMessage message = composer.compose(task("t1", "alice@example.com", subject, TEXT), null);

        assertThat(headerLines(message)).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(78));
        assertThat(reparse(message).getSubject()).isEqualTo(subject);
    }

    @Test
    void should_fold_a_long_plain_subject_at_its_spaces_and_leave_it_readable() throws Exception {
        String subject = "Compte rendu de la reunion " + "budget ".repeat(130) + "fin";

        MimeMessage message = composer.compose(task("t1", "alice@example.com", subject, TEXT), null);

        List<String> lines = headerLines(headerLines(message), "Subject");
        assertThat(lines).hasSizeGreaterThan(10).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(78));
        assertThat(lines.get(0)).startsWith("Subject: Compte rendu de la reunion budget");
        assertThat(reparse(message).getSubject()).isEqualTo(subject);
    }

    @Test
    void should_encode_a_subject_that_looks_like_an_encoded_word_so_the_literal_survives() throws Exception {
        String subject = "=?UTF-8?B?SGFjaw==?= literal";

        MimeMessage message = composer.compose(task("t1", "alice@example.com", subject, TEXT), null);

        assertThat(String.join("", headerLines(headerLines(message), "Subject"))).doesNotContain("SGFjaw==?=");
        assertThat(reparse(message).getSubject()).isEqualTo(subject);
    }

    @Test
    void should_write_a_recipient_display_name_encoded_and_the_envelope_address_in_punycode() throws Exception {
        MimeMessage message = composer.compose(task("t1", "Zoë Müller <zoe+news@müller.example>", SUBJECT, TEXT),
                null);

        assertThat(headerLines(headerLines(message), "To")).allSatisfy(line -> assertThat(line).matches("\\p{ASCII}*"));
        InternetAddress to = (InternetAddress) reparse(message).getRecipients(Message.RecipientType.TO)[0];
        assertThat(to.getPersonal()).isEqualTo("Zoë Müller");
        assertThat(to.getAddress()).isEqualTo("zoe+news@xn--mller-kva.example");
        assertThat(message.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("zoe+news@xn--mller-kva.example");
    }

    @Test
    void should_keep_a_quoted_local_part_and_a_single_label_domain() throws Exception {
        MimeMessage message = composer.compose(task("t1", "\"john doe\"@localhost", SUBJECT, TEXT), null);

        assertThat(reparse(message).getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("\"john doe\"@localhost");
    }

    @Test
    void should_keep_header_lines_short_for_very_long_display_names() throws Exception {
        for (String name : List.of("x".repeat(998), "Alice ".repeat(166).strip(), "😀".repeat(499),
                "Martin, " + "a".repeat(900), "=?" + "y".repeat(990), "Alice Martin ".repeat(76).strip())) {
            String quoted = "\"" + name + "\" <";

            MimeMessage message = new MailComposer(quoted + "mailer@example.org>")
                    .compose(task("t1", quoted + "alice@example.org>", SUBJECT, TEXT), null);

            assertThat(headerLines(message)).as(name).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(78));
            MimeMessage parsed = reparse(message);
            assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo(name);
            assertThat(((InternetAddress) parsed.getAllRecipients()[0]).getPersonal()).isEqualTo(name);
        }
    }

    @Test
    void should_never_write_a_header_line_over_998_characters_whatever_the_input() throws Exception {
        Random random = new Random(5322);
        String alphabet = "ab =?\"\\,;:<>()[]@.é😀\t\u0007";
        for (int n = 0; n < 300; n++) {
            String subject = text(random, alphabet, 1 + random.nextInt(998));
            String name = text(random, alphabet, 1 + random.nextInt(300)).replaceAll("[\\\\\"\t\u0007]", "x");
            String to = "\"" + name + "\" <" + "l".repeat(1 + random.nextInt(64)) + "@" + "d".repeat(63) + "."
                    + "e".repeat(1 + random.nextInt(60)) + ">";

            MimeMessage message = composer.compose(task("t1", to, subject, TEXT), null);

            assertThat(headerLines(message)).allSatisfy(line -> {
                assertThat(line).hasSizeLessThanOrEqualTo(998);
                if (!line.contains("@")) {
                    assertThat(line).as("a line without an address folds").hasSizeLessThanOrEqualTo(78);
                }
            });
            MimeMessage parsed = reparse(message);
            // plain text loses blanks at its ends to folding and header parsing; encoded words keep them
            assertThat(parsed.getSubject()).isEqualTo(HeaderText.needsEncoding(subject) ? subject : subject.strip());
            assertThat(((InternetAddress) parsed.getAllRecipients()[0]).getPersonal())
                    .isEqualTo(EmailAddress.parse(to).displayName());
        }
    }

    private static String text(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                    random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return text.toString();
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
