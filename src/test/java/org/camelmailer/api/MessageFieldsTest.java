package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.camelmailer.message.Attachment;
import org.camelmailer.message.MailTask;
import org.camelmailer.support.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The message API's fields beyond the Flask mailer's four: each rule, accepted and refused. */
class MessageFieldsTest {

    private static final String JSON = "application/json";

    private final MessageValidator validator = new MessageValidator(MessagePolicy.of(Set.of(),
            "Mailer <mailer@corp.internal>", List.of("ventes@corp.internal"), 4, 1000, 8192, 3));

    private static Map<String, Object> base() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("to", "alice@example.org");
        m.put("subject", "Objet");
        m.put("text", "Texte");
        return m;
    }

    private static String with(Object... fieldsAndValues) {
        Map<String, Object> m = base();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            if (fieldsAndValues[i + 1] == null) {
                m.remove((String) fieldsAndValues[i]);
            } else {
                m.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
            }
        }
        return Json.of(m);
    }

    private MailTask valid(String body) {
        return validator.check(body, JSON);
    }

    @Test
    void should_take_the_english_names_and_lists_of_recipients() {
        MailTask task = valid(with("to", List.of("Alice <alice@example.org>", "BOB@Example.ORG"),
                "cc", "zoé <zoe@münchen.example>", "bcc", List.of("audit@localhost")));

        assertThat(task.to()).containsExactly("Alice <alice@example.org>", "BOB@example.org");
        assertThat(task.cc()).containsExactly("zoé <zoe@xn--mnchen-3ya.example>");
        assertThat(task.bcc()).containsExactly("audit@localhost");
        assertThat(task.recipients()).hasSize(4);
        assertThat(task.sujet()).isEqualTo("Objet");
        assertThat(task.message()).isEqualTo("Texte");
    }

    @Test
    void should_keep_html_headers_tags_metadata_reply_to_and_an_allowed_from() {
        MailTask task = valid(with("html", "<p>Salut</p>", "text", null, "reply_to", "Support <support@example.org>",
                "from", "Ventes <ventes@corp.internal>", "headers", Map.of("X-Campaign", "été",
                        "list-unsubscribe", "<https://example.org/u>"),
                "tags", List.of("promo", " promo ", "été"), "metadata", Map.of("id", "42")));

        assertThat(task.html()).isEqualTo("<p>Salut</p>");
        assertThat(task.message()).isNull();
        assertThat(task.replyTo()).isEqualTo("Support <support@example.org>");
        assertThat(task.from()).isEqualTo("Ventes <ventes@corp.internal>");
        assertThat(task.headers()).containsEntry("X-Campaign", "été").containsEntry("list-unsubscribe",
                "<https://example.org/u>");
        assertThat(task.tags()).containsExactly("promo", "été");
        assertThat(task.metadata()).containsEntry("id", "42");
    }

    @Test
    void should_send_a_from_of_a_name_alone_with_the_service_address() {
        assertThat(valid(with("from", "Équipe \"Ventes\"")).from())
                .isEqualTo("\"Équipe \\\"Ventes\\\"\" <mailer@corp.internal>");
        assertThat(valid(with("from", "MAILER@corp.internal")).from()).isEqualTo("MAILER@corp.internal");
    }

    @Test
    void should_read_attachments_with_a_safe_name_and_a_type_from_the_extension() {
        String b64 = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});
        MailTask task = valid(with("attachments", List.of(
                Map.of("filename", "C:\\Users\\x\\..\\Facture\r\n été.PDF", "content", b64),
                Map.of("filename", "logo.png", "content", b64.substring(0, 4) + "\n" + b64.substring(4),
                        "content_id", "<logo@corp>"),
                Map.of("filename", "data", "content", b64, "content_type", "Text/CSV"))));

        assertThat(task.attachments()).extracting(Attachment::filename)
                .containsExactly("Facture été.PDF", "logo.png", "data");
        assertThat(task.attachments()).extracting(Attachment::contentType)
                .containsExactly("application/pdf", "image/png", "text/csv");
        assertThat(task.attachments()).extracting(Attachment::contentId).containsExactly(null, "logo@corp", null);
        assertThat(task.attachments()).extracting(Attachment::size).containsOnly(4L);
        assertThat(task.attachments().get(1).content()).isEqualTo(new byte[] {1, 2, 3, 4});
    }

    /** The size is counted, not decoded: it must agree with the JDK's decoder on what it accepts and refuses. */
    @Test
    void should_count_base64_as_the_decoder_reads_it() {
        java.util.Random random = new java.util.Random(3);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(n % 2 == 0 ? 64 : alphabet.length())));
            }
            if (n % 3 == 0) {
                b.append("=".repeat(random.nextInt(3)));
            }
            String text = b.toString();
            long expected;
            try {
                expected = Base64.getDecoder().decode(text).length;
            } catch (IllegalArgumentException e) {
                expected = -1;
            }
            assertThat(AttachmentReader.decodedSize(text)).as("'%s'", text).isEqualTo(expected);
        }
    }

    @Test
    void should_cut_a_long_file_name_keeping_its_extension() {
        assertThat(AttachmentReader.safeFilename("f", "a".repeat(300) + ".pdf"))
                .hasSize(AttachmentReader.MAX_FILENAME).endsWith("a.pdf");
        assertThat(AttachmentReader.safeFilename("f", "...hidden")).isEqualTo("hidden");
    }

    static Stream<Arguments> refusals() {
        String b64 = Base64.getEncoder().encodeToString(new byte[600]);
        return Stream.of(
                arguments(with("to", 42), 400, "'to' doit être une chaîne"),
                arguments(with("to", List.of()), 400, "au moins une adresse"),
                arguments(with("to", List.of("a@example.org", 7)), 400, "'to[1]'"),
                arguments(with("to", List.of("a@example.org, b@example.org")), 400, "'to[0]'"),
                arguments(with("cc", Map.of()), 400, "'cc' doit être une adresse ou un tableau"),
                arguments(with("bcc", List.of("x@example.org\r\nBcc: y@example.org")), 400, "retour à la ligne"),
                arguments(with("to", List.of("1@x.org", "2@x.org", "3@x.org"), "cc", List.of("4@x.org", "5@x.org")),
                        400, "Trop de destinataires : 5"),
                arguments(with("to", List.of("1@x.org", "2@x.org", "3@x.org", "4@x.org", "5@x.org")), 400,
                        "Trop de destinataires : 5"),
                arguments(with("reply_to", "a@example.org, b@example.org"), 400, "'reply_to'"),
                arguments(with("from", "pirate@example.org"), 403, "'from'"),
                arguments(with("from", "Ventes\r\n <ventes@corp.internal>"), 400, "'from'"),
                arguments(with("subject", "a", "sujet", "b"), 400, "'sujet' et 'subject'"),
                arguments(with("text", "a", "message", "b"), 400, "'message' et 'text'"),
                arguments(with("to", "a@example.org", "destinataire", "b@example.org"), 400,
                        "'destinataire' et 'to'"),
                arguments(with("text", null), 400, "'message' est requis"),
                arguments(with("html", "  "), 400, "'html' ne doit pas être vide"),
                arguments(with("html", 3), 400, "'html' doit être une chaîne"),
                arguments(with("html", "<p>x</p>", "enhance_content", true), 400, "'enhance_content' et 'html'"),
                arguments(with("headers", List.of("X-A")), 400, "'headers' doit être un objet"),
                arguments(with("headers", Map.of("Subject", "x")), 400, "'Subject' n'est pas permis"),
                arguments(with("headers", Map.of("Content-Type", "text/html")), 400, "n'est pas permis"),
                arguments(with("headers", Map.of("X-", "x")), 400, "n'est pas permis"),
                arguments(with("headers", Map.of("X-A:B", "x")), 400, "n'est pas permis"),
                arguments(with("headers", Map.of("X-A", "x\r\nBcc: y@z.org")), 400, "retour à la ligne"),
                arguments(with("headers", Map.of("X-A", 1)), 400, "'headers.X-A' doit être une chaîne"),
                arguments(with("tags", "promo"), 400, "'tags' doit être un tableau"),
                arguments(with("tags", List.of("")), 400, "'tags[0]'"),
                arguments(with("tags", List.of("x".repeat(65))), 400, "'tags[0]'"),
                arguments(with("metadata", List.of()), 400, "'metadata' doit être un objet"),
                arguments(with("metadata", Map.of("k", true)), 400, "'metadata.k'"),
                arguments(with("metadata", Map.of("k", "v".repeat(4100))), 400, "4096 octets"),
                arguments(with("attachments", Map.of()), 400, "'attachments' doit être un tableau"),
                arguments(with("attachments", List.of("x")), 400, "'attachments[0]' doit être un objet"),
                arguments(with("attachments", List.of(Map.of("content", b64))), 400, "'attachments[0].filename' est requis"),
                arguments(with("attachments", List.of(Map.of("filename", "../", "content", b64))), 400,
                        "'attachments[0].filename' doit donner"),
                arguments(with("attachments", List.of(Map.of("filename", "a"))), 400, "'attachments[0].content' est requis"),
                arguments(with("attachments", List.of(Map.of("filename", "a", "content", "%%%"))), 400, "base64"),
                arguments(with("attachments", List.of(Map.of("filename", "a", "content", b64,
                        "content_type", "pdf"))), 400, "content_type"),
                arguments(with("attachments", List.of(Map.of("filename", "a", "content", b64,
                        "content_id", "a b"))), 400, "content_id"),
                arguments(with("attachments", List.of(Map.of("filename", "a", "content", b64),
                        Map.of("filename", "b", "content", b64))), 413, "MAILER_MAX_MESSAGE_SIZE"),
                arguments(with("text", "x".repeat(9000)), 413, "taille maximale"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void should_refuse_naming_the_field(String body, int status, String message) {
        assertThatThrownBy(() -> valid(body)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.getMessage()).contains(message);
            assertThat(e.status()).isEqualTo(status);
        });
    }

    /** Bad base64 in the middle of a message: refused by name, and the fields after it are still read right. */
    @Test
    void should_refuse_bad_base64_whatever_follows_it() {
        for (String content : List.of("AAAA%AAA", "AA=A", "AAAAA", "A", "é", "QUJD-_")) {
            String body = "{\"to\":\"a@example.org\",\"attachments\":[{\"filename\":\"f\",\"content\":\""
                    + content + "\",\"content_type\":\"text/plain\"}],\"subject\":\"s\",\"text\":\"t\"}";
            assertThatThrownBy(() -> valid(body)).as(content).isInstanceOfSatisfying(InvalidRequestException.class,
                    e -> assertThat(e.getMessage()).contains("attachments[0].content"));
        }
        String ok = "{\"to\":\"a@example.org\",\"attachments\":[{\"filename\":\"f\",\"content\":\"QUJD\\nREVG\"}],"
                + "\"subject\":\"s\",\"text\":\"t\"}";
        assertThat(valid(ok).attachments().get(0).content()).isEqualTo("ABCDEF".getBytes());
        String unpadded = "{\"to\":\"a@example.org\",\"attachments\":[{\"filename\":\"f\",\"content\":\"QUI\"}],"
                + "\"subject\":\"s\",\"text\":\"t\"}";
        assertThat(valid(unpadded).attachments().get(0).content()).isEqualTo("AB".getBytes());
    }

    @Test
    void should_not_count_attachment_content_against_the_small_body_limit() {
        String b64 = Base64.getEncoder().encodeToString(new byte[900]);
        MailTask task = valid(with("text", "x".repeat(7000), "attachments", List.of(Map.of("filename", "a",
                "content", b64))));

        assertThat(task.attachments()).hasSize(1);
    }
}
