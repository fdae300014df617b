package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.camelmailer.message.MailTask;
import org.camelmailer.support.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageValidatorTest {

    private static final String JSON = "application/json";

    private final MessageValidator validator = new MessageValidator();

    private static Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destinataire", "alice@example.com");
        body.put("sujet", "Réunion d'été");
        body.put("message", "Bonjour,\nà jeudi.");
        return body;
    }

    private static String with(String field, Object value) {
        Map<String, Object> body = body();
        body.put(field, value);
        return Json.of(body);
    }

    private static String without(String field) {
        Map<String, Object> body = body();
        body.remove(field);
        return Json.of(body);
    }

    private static String required(String field) {
        return "Le champ '" + field + "' est requis.";
    }

    private static String notText(String field) {
        return "Le champ '" + field + "' doit être une chaîne de caractères.";
    }

    private static String blank(String field) {
        return "Le champ '" + field + "' ne doit pas être vide.";
    }

    private static String lineBreak(String field) {
        return "Le champ '" + field + "' ne doit pas contenir de retour à la ligne.";
    }

    private static final String EMPTY = "Le corps de la requête est vide : un objet JSON est attendu.";
    private static final String NOT_JSON = "Le corps de la requête n'est pas du JSON valide.";
    private static final String NOT_OBJECT = "Le corps de la requête doit être un objet JSON.";
    private static final String NOT_BOOLEAN = "Le champ 'enhance_content' doit être un booléen (true ou false).";
    private static String badAddress(String raison) {
        return "Le champ 'destinataire' doit être une seule adresse e-mail valide : " + raison + ".";
    }

    private static final String ONE_ONLY = "une seule adresse est acceptée (« , » ou « ; » sépare des adresses)";
    private static final String NOT_JSON_TYPE =
            "Le corps de la requête doit être du JSON (Content-Type: application/json).";

    @Test
    void should_turn_a_valid_body_into_a_task() {
        Instant before = Instant.now();

        MailTask task = validator.check(Json.of(body()), JSON);

        assertThat(UUID.fromString(task.taskId()).toString()).isEqualTo(task.taskId());
        assertThat(task.destinataire()).isEqualTo("alice@example.com");
        assertThat(task.sujet()).isEqualTo("Réunion d'été");
        assertThat(task.message()).isEqualTo("Bonjour,\nà jeudi.");
        assertThat(task.enhanceContent()).isFalse();
        assertThat(task.attempt()).isZero();
        assertThat(Instant.parse(task.createdAt())).isCloseTo(before, within(5, ChronoUnit.SECONDS));
    }

    @Test
    void should_give_each_task_a_new_id() {
        MailTask first = validator.check(Json.of(body()), JSON);
        MailTask second = validator.check(Json.of(body()), JSON);

        assertThat(first.taskId()).isNotEqualTo(second.taskId());
    }

    @Test
    void should_take_enhance_content_true() {
        assertThat(validator.check(with("enhance_content", true), JSON).enhanceContent()).isTrue();
    }

    @Test
    void should_take_enhance_content_false() {
        assertThat(validator.check(with("enhance_content", false), JSON).enhanceContent()).isFalse();
    }

    @Test
    void should_ignore_unknown_fields() {
        MailTask task = validator.check(with("priority", "high"), JSON);

        assertThat(task.destinataire()).isEqualTo("alice@example.com");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json; charset=UTF-8", "Application/JSON"})
    void should_accept_a_json_content_type_with_parameters_or_any_case(String contentType) {
        assertThat(validator.check(Json.of(body()), contentType).sujet()).isEqualTo("Réunion d'été");
    }

    @Test
    void should_strip_spaces_around_the_address() {
        assertThat(validator.check(with("destinataire", "  alice@example.com "), JSON).destinataire())
                .isEqualTo("alice@example.com");
    }

    @Test
    void should_accept_a_subject_of_exactly_998_characters() {
        String sujet = "x".repeat(998);

        assertThat(validator.check(with("sujet", sujet), JSON).sujet()).isEqualTo(sujet);
    }

    @Test
    void should_accept_line_breaks_in_the_message_body() {
        assertThat(validator.check(with("message", "a\r\nb\nc"), JSON).message()).isEqualTo("a\r\nb\nc");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("empty body", "", JSON, 400, EMPTY),
                arguments("blank body", "  \n ", JSON, 400, EMPTY),
                arguments("null body", null, JSON, 400, EMPTY),
                arguments("not JSON", "destinataire=alice@example.com", JSON, 400, NOT_JSON),
                arguments("truncated JSON", "{\"destinataire\": \"alice@example.com\", \"sujet\": \"Hi", JSON, 400,
                        NOT_JSON),
                arguments("JSON array", "[" + Json.of(body()) + "]", JSON, 400, NOT_OBJECT),
                arguments("JSON string", "\"alice@example.com\"", JSON, 400, NOT_OBJECT),
                arguments("JSON null", "null", JSON, 400, NOT_OBJECT),
                arguments("missing destinataire", without("destinataire"), JSON, 400, required("destinataire")),
                arguments("missing sujet", without("sujet"), JSON, 400, required("sujet")),
                arguments("missing message", without("message"), JSON, 400, required("message")),
                arguments("null sujet", with("sujet", null), JSON, 400, required("sujet")),
                arguments("blank destinataire", with("destinataire", "  "), JSON, 400, blank("destinataire")),
                arguments("blank sujet", with("sujet", ""), JSON, 400, blank("sujet")),
                arguments("blank message", with("message", " \t\n"), JSON, 400, blank("message")),
                arguments("number for message", with("message", 42), JSON, 400, notText("message")),
                arguments("object for sujet", with("sujet", Map.of("fr", "x")), JSON, 400, notText("sujet")),
                arguments("object for destinataire", with("destinataire", Map.of("to", "alice@example.com")), JSON,
                        400, notText("destinataire")),
                arguments("array of a number for destinataire", with("destinataire", new Object[] {42}), JSON,
                        400, notText("destinataire[0]")),
                arguments("enhance_content as a string", with("enhance_content", "true"), JSON, 400, NOT_BOOLEAN),
                arguments("enhance_content as a number", with("enhance_content", 1), JSON, 400, NOT_BOOLEAN),
                arguments("invalid address", with("destinataire", "alice.example.com"), JSON, 400,
                        badAddress("il manque « @ »")),
                arguments("two addresses", with("destinataire", "a@example.com, b@example.com"), JSON, 400,
                        badAddress(ONE_ONLY)),
                arguments("two addresses with semicolon", with("destinataire", "a@example.com;b@example.com"), JSON,
                        400, badAddress(ONE_ONLY)),
                arguments("two addresses with a space", with("destinataire", "a@example.com b@example.com"), JSON,
                        400, badAddress("une seule adresse est acceptée (plus d'un « @ » hors guillemets)")),
                arguments("empty local part", with("destinataire", "@example.com"), JSON, 400,
                        badAddress("rien ne précède « @ »")),
                arguments("empty domain label", with("destinataire", "alice@example..com"), JSON, 400,
                        badAddress("une partie du domaine est vide (point au début, à la fin ou deux points de suite)")),
                arguments("non-ASCII local part", with("destinataire", "josé@example.com"), JSON, 400,
                        badAddress("la partie avant « @ » n'est pas en ASCII : le serveur SMTP devrait accepter "
                                + "SMTPUTF8")),
                arguments("U+2028 in destinataire", with("destinataire", "alice@example.com\u2028Bcc: eve@example.com"),
                        JSON, 400, badAddress("elle contient un retour à la ligne")),
                arguments("CR in sujet", with("sujet", "Hello\rBcc: eve@example.com"), JSON, 400,
                        lineBreak("sujet")),
                arguments("LF in sujet", with("sujet", "Hello\nBcc: eve@example.com"), JSON, 400,
                        lineBreak("sujet")),
                arguments("LF in destinataire", with("destinataire", "alice@example.com\nBcc: eve@example.com"), JSON,
                        400, lineBreak("destinataire")),
                arguments("CRLF in destinataire", with("destinataire", "alice@example.com\r\n"), JSON, 400,
                        lineBreak("destinataire")),
                arguments("NUL in message", with("message", "a\u0000b"), JSON, 400,
                        "Le champ 'message' contient un caractère nul."),
                arguments("NUL in sujet", with("sujet", "a\u0000b"), JSON, 400,
                        "Le champ 'sujet' contient un caractère nul."),
                arguments("duplicate key",
                        "{\"destinataire\":\"alice@example.com\",\"sujet\":\"Hi\",\"message\":\"m\","
                                + "\"destinataire\":\"eve@example.com\"}", JSON, 400, NOT_JSON),
                arguments("text/plain", Json.of(body()), "text/plain", 415, NOT_JSON_TYPE),
                arguments("form content type", Json.of(body()), "application/x-www-form-urlencoded", 415,
                        NOT_JSON_TYPE),
                arguments("no content type", Json.of(body()), null, 415, NOT_JSON_TYPE),
                arguments("subject of 999 characters", with("sujet", "x".repeat(999)), JSON, 400,
                        "Le champ 'sujet' dépasse 998 caractères."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void should_refuse_with_status_and_message(String name, String body, String contentType, int status,
                                                String message) {
        assertThatThrownBy(() -> validator.check(body, contentType))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void should_reject_crlf_in_sujet() {
        assertThatThrownBy(() -> validator.check(with("sujet", "Hi\r\nBcc: eve@example.com"), JSON))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(lineBreak("sujet"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {" trailing text", " {\"destinataire\":\"eve@example.com\"}"})
    void should_refuse_text_after_the_json_object(String trailing) {
        assertThatThrownBy(() -> validator.check(Json.of(body()) + trailing, JSON))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo(NOT_JSON);
                });
    }

    @Test
    void should_carry_an_internationalised_domain_in_punycode() {
        assertThat(validator.check(with("destinataire", "alice@café.example.org"), JSON).destinataire())
                .isEqualTo("alice@xn--caf-dma.example.org");
    }

    @Test
    void should_refuse_an_ip_literal_recipient() {
        assertThatThrownBy(() -> validator.check(with("destinataire", "alice@[127.0.0.1]"), JSON))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("destinataire");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qa@example.test", "ops@corp.internal", "dev@printer.lan", "root@localhost",
            "nas@router.home.arpa", "me@box.local", "it@hq.corp", "x@nothing.invalid", "new@shop.zzzznewtld",
            "\"john doe\"@example.com", "alice+tag@example.com"})
    void should_accept_any_syntactically_valid_address_whatever_its_top_level_domain(String address) {
        assertThat(validator.check(with("destinataire", address), JSON).destinataire()).isEqualTo(address);
    }

    @Test
    void should_keep_the_display_name_in_the_task() {
        assertThat(validator.check(with("destinataire", " Alice   Martin <alice@example.com> "), JSON).destinataire())
                .isEqualTo("Alice Martin <alice@example.com>");
        assertThat(validator.check(with("destinataire", "\"Martin, Alice\" <alice@example.com>"), JSON).destinataire())
                .isEqualTo("\"Martin, Alice\" <alice@example.com>");
        assertThatThrownBy(() -> validator.check(with("destinataire", "Martin, Alice <alice@example.com>"), JSON))
                .as("unquoted, the comma separates two addresses").hasMessage(badAddress(ONE_ONLY));
    }

    @Test
    void should_keep_a_non_ascii_name_unencoded_and_the_domain_in_punycode() {
        assertThat(validator.check(with("destinataire", "Zoë Müller <zoe@Müller.example>"), JSON).destinataire())
                .isEqualTo("Zoë Müller <zoe@xn--mller-kva.example>");
    }

    @Test
    void should_compare_allowed_domains_in_punycode_whichever_form_each_side_uses() {
        MessageValidator unicodeList = new MessageValidator(Set.of(" Müller.example", "partner.org"));
        MessageValidator punycodeList = new MessageValidator(Set.of("xn--mller-kva.example"));

        assertThat(unicodeList.check(with("destinataire", "zoe@müller.example"), JSON).destinataire())
                .isEqualTo("zoe@xn--mller-kva.example");
        assertThat(unicodeList.check(with("destinataire", "Zoë <zoe@xn--mller-kva.EXAMPLE>"), JSON).destinataire())
                .isEqualTo("Zoë <zoe@xn--mller-kva.example>");
        assertThat(unicodeList.check(with("destinataire", "bob@mail.partner.org"), JSON).destinataire())
                .isEqualTo("bob@mail.partner.org");
        assertThat(punycodeList.check(with("destinataire", "zoe@sub.müller.example"), JSON).destinataire())
                .isEqualTo("zoe@sub.xn--mller-kva.example");
        assertThatThrownBy(() -> unicodeList.check(with("destinataire", "Eve <eve@muller.example>"), JSON))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> unicodeList.check(with("destinataire", "eve@evilpartner.org"), JSON))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void should_refuse_a_content_type_that_only_starts_like_json() {
        assertThatThrownBy(() -> validator.check(with("sujet", "x"), "application/jsonx"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(415));
        assertThat(validator.check(with("sujet", "x"), "application/json; charset=utf-8").sujet()).isEqualTo("x");
    }

    @Test
    void should_read_send_at_as_rfc_3339_with_its_offset_or_as_epoch_seconds() {
        Instant later = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String offset = later.atOffset(java.time.ZoneOffset.ofHours(1)).toString();

        assertThat(validator.check(with("send_at", offset), JSON).sendAt()).isEqualTo(later.toString());
        assertThat(validator.check(with("send_at", later.getEpochSecond()), JSON).sendAt()).isEqualTo(later.toString());
        assertThat(validator.check(with("send_at", Long.toString(later.getEpochSecond())), JSON).sendAt())
                .isEqualTo(later.toString());
        assertThat(validator.check(with("send_at", later.getEpochSecond() + 0.25), JSON).sendAt())
                .isEqualTo(later.plusMillis(250).toString());
    }

    @Test
    void should_send_at_once_a_send_at_now_or_past() {
        assertThat(validator.check(with("send_at", "2020-01-01T00:00:00Z"), JSON).sendAt()).isNull();
        assertThat(validator.check(with("send_at", 0), JSON).sendAt()).isNull();
        assertThat(validator.check(with("send_at", null), JSON).sendAt()).isNull();
        assertThat(validator.check(Json.of(body()), JSON).sendAt()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"demain\"", "\"2026-12-24\"", "\"2026-12-24T08:00:00\"", "\"2026-12-24 08:00:00+01:00\"",
            "true", "-1", "{}", "[1]", "\"\"", "99999999999999"})
    void should_refuse_a_malformed_send_at_naming_it(String value) {
        String body = Json.of(body()).replaceFirst("\\}$", ",\"send_at\":" + value + "}");

        assertThatThrownBy(() -> validator.check(body, JSON))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("'send_at'");
                });
    }

    @Test
    void should_refuse_a_send_at_beyond_the_longest_schedule() {
        MessageValidator shortAhead = new MessageValidator(MessagePolicy.defaults("camel-mailer@localhost")
                .withMaxScheduleAhead(java.time.Duration.ofHours(1)));

        assertThat(shortAhead.check(with("send_at", Instant.now().plusSeconds(3000).toString()), JSON).sendAt())
                .isNotNull();
        assertThatThrownBy(() -> shortAhead.check(with("send_at", Instant.now().plusSeconds(3700).getEpochSecond()),
                JSON)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("'send_at'", "MAILER_MAX_SCHEDULE_AHEAD");
                });
        assertThatThrownBy(() -> validator.check(with("send_at", Instant.now().plus(400, ChronoUnit.DAYS).toString()),
                JSON)).isInstanceOf(InvalidRequestException.class);
    }
}
