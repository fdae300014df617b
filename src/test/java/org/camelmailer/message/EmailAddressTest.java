package org.camelmailer.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import jakarta.mail.internet.InternetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmailAddressTest {

    private static final String LABEL_63 = "d".repeat(63);

    /** What users type that the RFCs allow, and the normalised form the queue keeps. */
    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("alice@example.org", "alice@example.org"),
                // special-use and private-use names: no list of top-level domains decides
                arguments("qa@example.test", "qa@example.test"),
                arguments("ops@corp.internal", "ops@corp.internal"),
                arguments("dev@printer.lan", "dev@printer.lan"),
                arguments("root@localhost", "root@localhost"),
                arguments("x@foo.example", "x@foo.example"),
                arguments("nobody@nothing.invalid", "nobody@nothing.invalid"),
                arguments("svc@app.localhost", "svc@app.localhost"),
                arguments("nas@router.home.arpa", "nas@router.home.arpa"),
                arguments("it@hq.corp", "it@hq.corp"),
                arguments("me@box.local", "me@box.local"),
                arguments("new@shop.zzzznewtld", "new@shop.zzzznewtld"),
                arguments("a@b.c", "a@b.c"),
                arguments("x@123.example.org", "x@123.example.org"),
                arguments("x@sub-domain.ex--ample.org", "x@sub-domain.ex--ample.org"),
                // local parts
                arguments("alice+tag@example.org", "alice+tag@example.org"),
                arguments("Alice.Martin@Example.ORG", "Alice.Martin@example.org"),
                arguments("!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~@example.org"),
                arguments("\"john doe\"@example.org", "\"john doe\"@example.org"),
                arguments("\"alice\"@example.org", "alice@example.org"),
                arguments("\"a@b\"@example.org", "\"a@b\"@example.org"),
                arguments("\"a..b\"@example.org", "\"a..b\"@example.org"),
                arguments("\"say \\\"hi\\\"\"@example.org", "\"say \\\"hi\\\"\"@example.org"),
                arguments("\"\\a\"@example.org", "a@example.org"),
                arguments("x".repeat(64) + "@example.org", "x".repeat(64) + "@example.org"),
                // internationalised domains travel in punycode
                arguments("alice@müller.example", "alice@xn--mller-kva.example"),
                arguments("alice@MÜLLER.Example", "alice@xn--mller-kva.example"),
                arguments("alice@café.example.org", "alice@xn--caf-dma.example.org"),
                arguments("user@例え.テスト", "user@xn--r8jz45g.xn--zckzah"),
                arguments("alice@example\u3002org", "alice@example.org"),
                arguments("alice@xn--mller-kva.example", "alice@xn--mller-kva.example"),
                // lengths at the limits
                arguments("a@" + LABEL_63 + ".org", "a@" + LABEL_63 + ".org"),
                arguments("a@" + domainOf(252), "a@" + domainOf(252)),
                // display names
                arguments("Alice Martin <alice@example.org>", "Alice Martin <alice@example.org>"),
                arguments("  Alice   Martin  <alice@example.org>  ", "Alice Martin <alice@example.org>"),
                arguments("Alice Martin<alice@example.org>", "Alice Martin <alice@example.org>"),
                arguments("\"Martin, Alice\" <alice@example.org>", "\"Martin, Alice\" <alice@example.org>"),
                arguments("\"alice@home\" <alice@example.org>", "\"alice@home\" <alice@example.org>"),
                arguments("\"Alice \\\"Al\\\" Martin\" <alice@example.org>",
                        "\"Alice \\\"Al\\\" Martin\" <alice@example.org>"),
                arguments("Dr. Alice <alice@example.org>", "\"Dr. Alice\" <alice@example.org>"),
                arguments("Équipe Mailer <mailer@example.org>", "Équipe Mailer <mailer@example.org>"),
                arguments("Zoë <zoe@müller.example>", "Zoë <zoe@xn--mller-kva.example>"),
                arguments("😀 Party 🎉 <party@example.test>", "😀 Party 🎉 <party@example.test>"),
                arguments("👨‍👩‍👧 Family <home@example.org>", "👨‍👩‍👧 Family <home@example.org>"),
                arguments("=?UTF-8?B?SGFjaw==?= <hack@example.org>", "=?UTF-8?B?SGFjaw==?= <hack@example.org>"),
                arguments("\"Alice\u00a0Martin\" <alice@example.org>", "\"Alice\u00a0Martin\" <alice@example.org>"),
                arguments("<alice@example.org>", "alice@example.org"),
                arguments("\"\" <alice@example.org>", "alice@example.org"),
                arguments("Alice < alice@example.org >", "Alice <alice@example.org>"),
                arguments("Root <root@localhost>", "Root <root@localhost>"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("valid")
    void should_accept_and_normalise(String text, String normalised) {
        EmailAddress address = EmailAddress.parse(text);

        assertThat(address.text()).isEqualTo(normalised);
        assertThat(address.address()).matches("\\p{ASCII}+").doesNotContain(" <");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("valid")
    void should_read_its_own_text_form_back_the_same(String text, String normalised) {
        EmailAddress address = EmailAddress.parse(text);

        assertThat(EmailAddress.parse(address.text())).isEqualTo(address);
        assertThat(EmailAddress.parse(normalised).text()).isEqualTo(normalised);
    }

    /** What is refused, with the French reason the API shows after the field's name. */
    /** The key lists and indexes compare by is the parsed address in lower case, read fast or not. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("valid")
    void should_key_an_address_as_its_parsed_address_in_lower_case(String text, String normalised) {
        String expected = EmailAddress.parse(text).address().toLowerCase(java.util.Locale.ROOT);
        assertThat(EmailAddress.key(normalised)).isEqualTo(expected);
        assertThat(EmailAddress.key(text)).isEqualTo(expected);
        assertThat(EmailAddress.key(text.toUpperCase(java.util.Locale.ROOT)))
                .isEqualTo(EmailAddress.parse(text.toUpperCase(java.util.Locale.ROOT)).address()
                        .toLowerCase(java.util.Locale.ROOT));
    }

    /** A text that is no address (an old record, a typed search) is its own key: stripped, in lower case. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void should_key_a_text_that_is_no_address_as_itself(String text, String raison) {
        assertThat(EmailAddress.key(text)).isEqualTo(text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("", "elle est vide"),
                arguments("   ", "elle est vide"),
                arguments("alice", "il manque « @ »"),
                arguments("alice.example.org", "il manque « @ »"),
                arguments("alice@", "rien ne suit « @ »"),
                arguments("@example.org", "rien ne précède « @ »"),
                arguments("\"\"@example.org", "rien ne précède « @ »"),
                arguments("alice@@example.org", "plus d'un « @ »"),
                arguments("alice@example..org", "une partie du domaine est vide"),
                arguments("alice@.example.org", "une partie du domaine est vide"),
                arguments("alice@example.org.", "une partie du domaine est vide"),
                arguments(".alice@example.org", "une partie avant « @ » est vide"),
                arguments("alice.@example.org", "une partie avant « @ » est vide"),
                arguments("al..ice@example.org", "une partie avant « @ » est vide"),
                arguments("alice@-example.org", "commence ou finit par « - »"),
                arguments("alice@example-.org", "commence ou finit par « - »"),
                arguments("alice@exa_mple.org", "le domaine contient « _ »"),
                arguments("alice@exa!mple.org", "le domaine contient « ! »"),
                arguments("alice example@example.org", "elle contient une espace"),
                arguments("alice@exa mple.org", "elle contient une espace"),
                arguments("alice@exa\u00a0mple.org", "elle contient une espace"),
                // more than one address
                arguments("a@example.org, b@example.org", "une seule adresse est acceptée"),
                arguments("a@example.org;b@example.org", "une seule adresse est acceptée"),
                arguments("a@example.org b@example.org", "une seule adresse est acceptée"),
                arguments("alice@example.org,", "une seule adresse est acceptée"),
                arguments("Alice <a@example.org>, Bob <b@example.org>", "une seule adresse est acceptée"),
                arguments("Martin, Alice <a@example.org>", "une seule adresse est acceptée"),
                arguments("friends: a@example.org, b@example.org;", "une seule adresse est acceptée"),
                arguments("undisclosed-recipients:;", "une seule adresse est acceptée"),
                // header injection and invisible characters
                arguments("alice@example.org\r\nBcc: eve@example.org", "retour à la ligne"),
                arguments("alice@example.org\n", "retour à la ligne"),
                arguments("alice\u2028@example.org", "retour à la ligne"),
                arguments("alice\u0000@example.org", "caractère de contrôle (U+0000)"),
                arguments("Alice\tMartin <alice@example.org>", "caractère de contrôle (U+0009)"),
                arguments("alice\u200b@example.org", "caractère invisible (U+200B)"),
                arguments("alice@exa\u200bmple.org", "caractère invisible (U+200B)"),
                // non-ASCII local parts
                arguments("josé@example.org", "le serveur SMTP devrait accepter SMTPUTF8"),
                arguments("用户@例え.テスト", "le serveur SMTP devrait accepter SMTPUTF8"),
                arguments("\"josé\"@example.org", "le serveur SMTP devrait accepter SMTPUTF8"),
                // IP addresses
                arguments("alice@[127.0.0.1]", "les adresses IP entre crochets ne sont pas acceptées"),
                arguments("alice@[IPv6:2001:db8::1]", "« : » n'y a pas sa place"),
                arguments("alice@127.0.0.1", "le domaine finit par un nombre"),
                arguments("alice@example.123", "le domaine finit par un nombre"),
                // lengths
                arguments("x".repeat(65) + "@example.org", "dépasse 64 caractères"),
                arguments("a.".repeat(50_000) + "a@example.org", "dépasse 64 caractères"),
                arguments("\"" + "a.".repeat(50_000) + "a\"@example.org", "dépasse 64 caractères"),
                arguments("\"" + "a".repeat(65) + "\"@example.org", "dépasse 64 caractères"),
                arguments("a@" + "d".repeat(64) + ".org", "une partie du domaine dépasse 63 caractères"),
                arguments("a@" + domainOf(253), "elle dépasse 254 caractères"),
                arguments("a@" + domainOf(254), "le domaine dépasse 253 caractères"),
                arguments("x".repeat(999) + " <alice@example.org>", "le nom dépasse 998 caractères"),
                arguments("a ".repeat(50_000) + "<alice@example.org>", "le nom dépasse 998 caractères"),
                // forms nobody needs, and broken ones
                arguments("alice(comment)@example.org", "commentaires entre parenthèses"),
                arguments("alice@example.org (Alice)", "commentaires entre parenthèses"),
                arguments("mailto:alice@example.org", "« : » n'y a pas sa place"),
                arguments("Bcc: eve@example.org", "« : » n'y a pas sa place"),
                arguments("alice@example.org>", "« < » et « > » doivent entourer l'adresse"),
                arguments("<alice@example.org", "« < » et « > » doivent entourer l'adresse"),
                arguments("<<alice@example.org>>", "« < » et « > » doivent entourer l'adresse"),
                arguments("Alice <alice@example.org> Martin", "du texte suit « > »"),
                arguments("a\"b@example.org", "un guillemet n'est pas fermé"),
                arguments("\"a\"b@example.org", "des guillemets ne peuvent entourer que toute la partie"),
                arguments("a\"b\"c@example.org", "des guillemets ne peuvent entourer que toute la partie"),
                arguments("a\\b@example.org", "« \\ » n'est permis avant « @ » qu'entre guillemets"),
                arguments("Alice [Home] <alice@example.org>", "le nom contient « [ »"),
                arguments("alice@bücher_x.example", "le domaine contient « _ »"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void should_refuse_saying_why(String text, String raison) {
        assertThatThrownBy(() -> EmailAddress.parse(text))
                .isInstanceOfSatisfying(InvalidAddressException.class, e -> {
                    assertThat(e.raison()).contains(raison);
                    assertThat(e.getMessage()).isNotBlank().isNotEqualTo(e.raison());
                });
    }

    @Test
    void should_count_enough_cases_in_the_tables() {
        assertThat(valid().count() + invalid().count()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void should_say_why_a_non_ascii_local_part_is_refused_in_english_too() {
        assertThatThrownBy(() -> EmailAddress.parse("josé@example.org"))
                .hasMessageContaining("SMTPUTF8");
    }

    @Test
    void should_give_the_parts() {
        EmailAddress address = EmailAddress.parse("Zoë Müller <Zoe.Muller+news@Müller.Example>");

        assertThat(address.localPart()).isEqualTo("Zoe.Muller+news");
        assertThat(address.domain()).isEqualTo("xn--mller-kva.example");
        assertThat(address.address()).isEqualTo("Zoe.Muller+news@xn--mller-kva.example");
        assertThat(address.displayName()).isEqualTo("Zoë Müller");
        assertThat(EmailAddress.parse("alice@example.org").displayName()).isNull();
    }

    @Test
    void should_give_an_internet_address_with_a_non_ascii_name_encoded() throws Exception {
        InternetAddress address = EmailAddress.parse("Équipe Mailer <mailer@example.org>").toInternetAddress();

        assertThat(address.getAddress()).isEqualTo("mailer@example.org");
        assertThat(address.getPersonal()).isEqualTo("Équipe Mailer");
        assertThat(address.toString()).matches("\\p{ASCII}+").startsWith("=?UTF-8?B?").endsWith(" <mailer@example.org>");
        assertThat(new InternetAddress(address.toString(), true).getPersonal()).isEqualTo("Équipe Mailer");
    }

    @Test
    void should_give_an_internet_address_with_a_plain_name_quoted_only_when_needed() {
        assertThat(EmailAddress.parse("Alice Martin <alice@example.org>").toInternetAddress())
                .hasToString("Alice Martin <alice@example.org>");
        assertThat(EmailAddress.parse("\"Martin, Alice\" <alice@example.org>").toInternetAddress())
                .hasToString("\"Martin, Alice\" <alice@example.org>");
        assertThat(EmailAddress.parse("alice@example.org").toInternetAddress()).hasToString("alice@example.org");
        assertThat(EmailAddress.parse("\"john doe\"@localhost").toInternetAddress().getAddress())
                .isEqualTo("\"john doe\"@localhost");
    }

    @Test
    void should_encode_a_name_that_looks_like_an_encoded_word_so_it_reads_literally() throws Exception {
        InternetAddress address = EmailAddress.parse("=?UTF-8?B?SGFjaw==?= <hack@example.org>").toInternetAddress();

        assertThat(address.toString()).doesNotContain("SGFjaw==?=");
        assertThat(new InternetAddress(address.toString(), true).getPersonal()).isEqualTo("=?UTF-8?B?SGFjaw==?=");
    }

    @Test
    void should_give_domains_in_ascii_for_the_allow_list() {
        assertThat(EmailAddress.asciiDomain("Müller.Example")).isEqualTo("xn--mller-kva.example");
        assertThat(EmailAddress.asciiDomain("EXAMPLE.org")).isEqualTo("example.org");
        assertThat(EmailAddress.asciiDomain("localhost")).isEqualTo("localhost");
        assertThatThrownBy(() -> EmailAddress.asciiDomain("exa_mple.org")).isInstanceOf(InvalidAddressException.class);
    }

    /** A domain of exactly {@code length} characters, in labels of at most 63. */
    private static String domainOf(int length) {
        StringBuilder domain = new StringBuilder();
        while (length - domain.length() > 64) {
            domain.append(LABEL_63).append('.');
        }
        domain.append("e".repeat(length - domain.length()));
        return domain.toString();
    }
}
