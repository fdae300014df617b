package org.camelmailer.message;

import java.io.UnsupportedEncodingException;
import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * One e-mail address, as the API takes it, the queue keeps it and the composer writes it: a bare addr-spec or
 * {@code Display Name <addr-spec>} checked by its syntax alone (RFC 5321/5322), with no list of top-level domains,
 * so {@code qa@example.test}, {@code ops@corp.internal} and {@code root@localhost} are addresses.
 *
 * <p>What is refused, and why: more than one address (a list or a group would widen the audience); comments and
 * routes (obsolete forms no client needs); a non-ASCII local part (the SMTP server would have to offer SMTPUTF8,
 * which this service does not ask for); IP-literal domains such as {@code [192.0.2.1]}, refused as before (they
 * skip the domain's MX and the recipient allow-list). An internationalised domain is kept in punycode, the form
 * SMTP and the allow-list compare (java.net.IDN: IDNA2003 mapping, so {@code ß} becomes {@code ss}).
 */
public final class EmailAddress {

    /** RFC 5321 4.5.3.1: local part, domain and label limits, in octets (all ASCII here). */
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 253;
    static final int MAX_LABEL = 63;
    /** A reverse- or forward-path is at most 256 octets, angle brackets included. */
    static final int MAX_ADDRESS = 254;
    /** As long as a subject may be: longer is nobody's name, and servers cap the size of a message's headers. */
    static final int MAX_DISPLAY_NAME = 998;

    // RFC 5322 atext, the characters of a dot-atom besides '.'
    private static final Pattern DOT_ATOM =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    // IDNA2003 treats these as label separators too (U+3002 ideographic full stop and its full-width cousins)
    private static final Pattern LABEL_SEPARATOR = Pattern.compile("[.\u3002\uFF0E\uFF61]");
    private static final String NAME_SPECIALS = "()<>[]:;@\\,\"";

    private final String localPart;
    private final String domain;
    private final String displayName;

    private EmailAddress(String localPart, String domain, String displayName) {
        this.localPart = localPart;
        this.domain = domain;
        this.displayName = displayName;
    }

    /**
     * Parses exactly one address: {@code alice@example.org}, {@code Alice Martin <alice@example.org>} or
     * {@code "Martin, Alice" <alice@example.org>}; surrounding blanks are ignored.
     *
     * @throws InvalidAddressException saying what is wrong
     */
    public static EmailAddress parse(String text) {
        if (text == null) {
            throw invalid("is missing", "elle est absente");
        }
        text.codePoints().forEach(EmailAddress::noLineBreakOrControl);
        String s = text.strip();
        if (s.isEmpty()) {
            throw invalid("is empty", "elle est vide");
        }
        Outside outside = Outside.scan(s);
        if (outside.count(',') + outside.count(';') > 0) {
            throw invalid("holds more than one address (',' or ';'): one address only",
                    "une seule adresse est acceptée (« , » ou « ; » sépare des adresses)");
        }
        if (outside.count('@') > 1) {
            throw invalid("holds more than one '@' outside quotes: one address only",
                    "une seule adresse est acceptée (plus d'un « @ » hors guillemets)");
        }
        if (outside.count('(') + outside.count(')') > 0) {
            throw invalid("has a comment in parentheses, which is not accepted",
                    "les commentaires entre parenthèses ne sont pas acceptés");
        }
        if (outside.count(':') > 0) {
            throw invalid("has a ':' (a group, a route or mailto: is not an address)",
                    "« : » n'y a pas sa place (ni groupe, ni route, ni mailto:)");
        }
        String name = null;
        String spec = s;
        if (outside.count('<') + outside.count('>') > 0) {
            int open = outside.first('<');
            int close = outside.first('>');
            if (outside.count('<') != 1 || outside.count('>') != 1 || close < open) {
                throw invalid("must have one '<' and one '>' around the address",
                        "« < » et « > » doivent entourer l'adresse, une fois");
            }
            if (close != s.length() - 1) {
                throw invalid("has text after '>'", "du texte suit « > »");
            }
            name = displayName(s.substring(0, open));
            spec = s.substring(open + 1, close).strip();
        }
        return addrSpec(spec, name);
    }

    /**
     * How lists and indexes compare addresses (the suppression list, the search by recipient): the address part alone,
     * in lower case ({@code Alice <Alice@Example.org>} is {@code alice@example.org}); a text that is no address is
     * compared as it is written, stripped, in lower case. A bare ASCII address (most recipients) is read without a full
     * parse: this runs for every recipient of every message accepted.
     */
    public static String key(String text) {
        if (text == null) {
            return "";
        }
        if (isPlainSpec(text)) {
            return text.toLowerCase(Locale.ROOT);
        }
        try {
            return parse(text).address().toLowerCase(Locale.ROOT);
        } catch (InvalidAddressException e) {
            return text.strip().toLowerCase(Locale.ROOT);
        }
    }

    /** ASCII dot-atom {@code @} dot-separated letters, digits and hyphens: what the parser gives back unchanged. */
    private static boolean isPlainSpec(String spec) {
        int at = spec.indexOf('@');
        if (at <= 0 || at == spec.length() - 1 || !isDotSeparated(spec, 0, at, true)) {
            return false;
        }
        if (!isDotSeparated(spec, at + 1, spec.length(), false)) {
            return false;
        }
        char last = spec.charAt(spec.length() - 1);
        return !(last >= '0' && last <= '9') && spec.indexOf("xn--", at) < 0 && spec.indexOf("XN--", at) < 0;
    }

    private static boolean isDotSeparated(String s, int from, int to, boolean atext) {
        char previous = '.';
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = c == '.' ? previous != '.'
                    : (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || (atext && c < 0x7f && "!#$%&'*+/=?^_`{|}~".indexOf(c) >= 0);
            if (!ok) {
                return false;
            }
            previous = c;
        }
        return previous != '.';
    }

    /**
     * A domain as SMTP and the allow-list compare it: lower case, an internationalised label in punycode
     * ({@code Müller.example} gives {@code xn--mller-kva.example}).
     *
     * @throws InvalidAddressException when it is no domain name
     */
    public static String asciiDomain(String domain) {
        if (domain.isEmpty()) {
            throw invalid("has nothing after '@'", "rien ne suit « @ »");
        }
        if (domain.startsWith("[")) {
            throw invalid("has an IP address in brackets as its domain, which is not accepted",
                    "les adresses IP entre crochets ne sont pas acceptées");
        }
        StringBuilder ascii = new StringBuilder();
        String last = "";
        for (String label : LABEL_SEPARATOR.split(domain, -1)) {
            last = asciiLabel(label);
            ascii.append(ascii.length() == 0 ? "" : ".").append(last);
        }
        if (ascii.length() > MAX_DOMAIN) {
            throw invalid("has a domain longer than " + MAX_DOMAIN + " characters",
                    "le domaine dépasse " + MAX_DOMAIN + " caractères");
        }
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid("has a domain ending in a number (an IP address is not accepted)",
                    "le domaine finit par un nombre (une adresse IP n'est pas acceptée)");
        }
        return ascii.toString();
    }

    /** The address alone, ASCII, as SMTP sends it: {@code alice@example.org}. */
    public String address() {
        return localPart + "@" + domain;
    }

    /** Dot-atom, or a quoted string when it must be: {@code "john doe"}. */
    public String localPart() {
        return localPart;
    }

    /** ASCII, lower case, punycode for an internationalised domain. */
    public String domain() {
        return domain;
    }

    /** The name as written (Unicode, unencoded), or null when there is none. */
    public String displayName() {
        return displayName;
    }

    /**
     * The RFC 5322 form the queue keeps and {@link #parse} reads back: the bare address, or the name (quoted when
     * it has to be, never encoded) and the address in angle brackets: {@code Équipe Mailer <mailer@example.org>}.
     */
    public String text() {
        if (displayName == null) {
            return address();
        }
        String phrase = isPlainPhrase(displayName) ? displayName
                : "\"" + displayName.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return phrase + " <" + address() + ">";
    }

    /**
     * For jakarta.mail: the name in RFC 2047 encoded words (UTF-8) whenever it is not plain ASCII or would not
     * survive as plain text (see {@link HeaderText#needsEncoding}); a plain ASCII name is quoted as needed.
     */
    public InternetAddress toInternetAddress() {
        try {
            if (displayName != null && HeaderText.needsEncoding(displayName)) {
                // InternetAddress keeps a parsed phrase as its encoded form and decodes it for getPersonal()
                return new InternetAddress(HeaderText.encodedWords(displayName) + " <" + address() + ">", true);
            }
            InternetAddress address = new InternetAddress();
            address.setAddress(address());
            if (displayName != null) {
                address.setPersonal(displayName, "UTF-8");
            }
            return address;
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new IllegalStateException("a checked address did not convert: " + text(), e);
        }
    }

    /**
     * Whether a name can stand unquoted in the text form: atext words (non-ASCII allowed, RFC 6532) joined by single
     * spaces. A loop, not a pattern: a repeated group over a long name overflows the stack. A no-break or other
     * Unicode space is left to quotes, since unquoted it would read back as a plain space.
     */
    private static boolean isPlainPhrase(String name) {
        char previous = ' ';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean atext = c >= 0x80 ? !Character.isWhitespace(c) && !Character.isSpaceChar(c)
                    : c > ' ' && c < 0x7f && NAME_SPECIALS.indexOf(c) < 0 && c != '.';
            if (!(atext || c == ' ' && previous != ' ')) {
                return false;
            }
            previous = c;
        }
        return previous != ' ';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmailAddress other && localPart.equals(other.localPart) && domain.equals(other.domain)
                && Objects.equals(displayName, other.displayName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(localPart, domain, displayName);
    }

    @Override
    public String toString() {
        return text();
    }

    // A line break would let the text start a header of its own; other control characters have no place either.
    private static void noLineBreakOrControl(int c) {
        if (c == '\r' || c == '\n' || c == 0x2028 || c == 0x2029) {
            throw invalid("contains a line break", "elle contient un retour à la ligne");
        }
        if (Character.isISOControl(c)) {
            throw invalid("contains a control character (U+" + hex(c) + ")",
                    "elle contient un caractère de contrôle (U+" + hex(c) + ")");
        }
    }

    private static EmailAddress addrSpec(String spec, String name) {
        for (int i = 0; i < spec.length(); ) {
            int c = spec.codePointAt(i);
            if (Character.getType(c) == Character.FORMAT) {
                // invisible: U+200B in a domain would even vanish in IDN's mapping and reach another name
                throw invalid("contains an invisible character (U+" + hex(c) + ")",
                        "elle contient un caractère invisible (U+" + hex(c) + ")");
            }
            i += Character.charCount(c);
        }
        Outside outside = Outside.scan(spec);
        if (outside.hasBlank()) {
            throw invalid("contains a space (a name goes first: 'Alice Martin <alice@example.org>')",
                    "elle contient une espace (un nom s'écrit devant : « Alice Martin <alice@example.org> »)");
        }
        int at = outside.first('@');
        if (at < 0) {
            throw invalid("has no '@'", "il manque « @ »");
        }
        String local = localPart(spec.substring(0, at));
        String domain = asciiDomain(spec.substring(at + 1));
        if (local.length() + 1 + domain.length() > MAX_ADDRESS) {
            throw invalid("is longer than " + MAX_ADDRESS + " characters",
                    "elle dépasse " + MAX_ADDRESS + " caractères");
        }
        return new EmailAddress(local, domain, name);
    }

    /** The local part as SMTP sends it: a dot-atom, or a quoted string when it cannot be one. */
    private static String localPart(String local) {
        if (local.isEmpty()) {
            throw invalid("has nothing before '@'", "rien ne précède « @ »");
        }
        if (!local.chars().allMatch(c -> c < 0x80)) {
            throw invalid("has a non-ASCII local part: the SMTP server would need SMTPUTF8",
                    "la partie avant « @ » n'est pas en ASCII : le serveur SMTP devrait accepter SMTPUTF8");
        }
        String result;
        if (local.startsWith("\"")) {
            String content = unquote(local);
            if (content.isEmpty()) {
                throw invalid("has nothing before '@'", "rien ne précède « @ »");
            }
            // measured before any pattern runs: a repeated group over 100,000 characters overflows the stack
            localPartLength(content);
            // RFC 5321 4.1.2: a quoted local part that could be a dot-atom is sent as one
            result = DOT_ATOM.matcher(content).matches() ? content
                    : "\"" + content.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        } else {
            if (local.indexOf('"') >= 0) {
                throw invalid("has quotes inside the local part (only the whole local part may be quoted)",
                        "des guillemets ne peuvent entourer que toute la partie avant « @ »");
            }
            if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
                throw invalid("has an empty part before '@' (a dot at its start or end, or two in a row)",
                        "une partie avant « @ » est vide (point au début, à la fin ou deux points de suite)");
            }
            localPartLength(local);
            if (!DOT_ATOM.matcher(local).matches()) {
                String bad = local.chars().filter(c -> !DOT_ATOM.matcher(Character.toString(c)).matches() && c != '.')
                        .mapToObj(Character::toString).findFirst().orElse("?");
                throw invalid("has '" + bad + "' before '@', allowed only in quotes",
                        "« " + bad + " » n'est permis avant « @ » qu'entre guillemets");
            }
            result = local;
        }
        return localPartLength(result);
    }

    private static String localPartLength(String local) {
        if (local.length() > MAX_LOCAL_PART) {
            throw invalid("has more than " + MAX_LOCAL_PART + " characters before '@'",
                    "la partie avant « @ » dépasse " + MAX_LOCAL_PART + " caractères");
        }
        return local;
    }

    /** The content of a quoted local part ({@code "john \"jd\" doe"}), quoted pairs resolved. */
    private static String unquote(String quoted) {
        StringBuilder content = new StringBuilder();
        int i = 1;
        for (; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                i++;
            }
            content.append(quoted.charAt(i));
        }
        if (i != quoted.length() - 1) {
            throw invalid("has quotes inside the local part (only the whole local part may be quoted)",
                    "des guillemets ne peuvent entourer que toute la partie avant « @ »");
        }
        return content.toString();
    }

    private static String asciiLabel(String label) {
        if (label.isEmpty()) {
            throw invalid("has an empty part in its domain (a dot at its start or end, or two in a row)",
                    "une partie du domaine est vide (point au début, à la fin ou deux points de suite)");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c < 0x80 && !(Character.isLetterOrDigit(c) || c == '-')) {
                throw invalid("has '" + c + "' in its domain (letters, digits, '-' and '.' only)",
                        "le domaine contient « " + c + " » (lettres, chiffres, « - » et « . » seulement)");
            }
        }
        String ascii = label;
        if (!label.chars().allMatch(c -> c < 0x80)) {
            try {
                ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                throw invalid("has '" + label + "' in its domain, which is no valid internationalised name",
                        "« " + label + " » n'est pas un nom de domaine international valide");
            }
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        if (ascii.isEmpty()) {
            throw invalid("has an empty part in its domain", "une partie du domaine est vide");
        }
        if (ascii.length() > MAX_LABEL) {
            throw invalid("has a part of its domain longer than " + MAX_LABEL + " characters",
                    "une partie du domaine dépasse " + MAX_LABEL + " caractères");
        }
        if (ascii.startsWith("-") || ascii.endsWith("-")) {
            throw invalid("has a part of its domain that starts or ends with '-'",
                    "une partie du domaine commence ou finit par « - »");
        }
        return ascii;
    }

    /** The phrase before {@code <}: atoms and quoted strings, blanks between words made single spaces. */
    private static String displayName(String phrase) {
        StringBuilder name = new StringBuilder();
        boolean blank = false;
        for (int i = 0; i < phrase.length(); i++) {
            char c = phrase.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                blank = true;
                continue;
            }
            if (blank && name.length() > 0) {
                name.append(' ');
            }
            blank = false;
            if (c == '"') {
                for (i++; phrase.charAt(i) != '"'; i++) {
                    if (phrase.charAt(i) == '\\') {
                        i++;
                    }
                    name.append(phrase.charAt(i));
                }
            } else if (NAME_SPECIALS.indexOf(c) >= 0) {
                throw invalid("has '" + c + "' in its name, allowed only in quotes",
                        "le nom contient « " + c + " », permis seulement entre guillemets");
            } else {
                name.append(c);
            }
        }
        String result = name.toString().strip();
        if (result.length() > MAX_DISPLAY_NAME) {
            throw invalid("has a name longer than " + MAX_DISPLAY_NAME + " characters",
                    "le nom dépasse " + MAX_DISPLAY_NAME + " caractères");
        }
        return result.isEmpty() ? null : result;
    }

    private static String hex(int c) {
        return String.format("%04X", c);
    }

    private static InvalidAddressException invalid(String reason, String raison) {
        return new InvalidAddressException(reason, raison);
    }

    /** Where the characters that structure an address are, outside quoted strings. */
    private record Outside(String text, boolean[] quoted) {

        static Outside scan(String text) {
            boolean[] quoted = new boolean[text.length()];
            boolean in = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (in && c == '\\' && i + 1 < text.length()) {
                    quoted[i] = true;
                    quoted[++i] = true;
                    continue;
                }
                if (c == '"') {
                    in = !in;
                    quoted[i] = true;
                    continue;
                }
                quoted[i] = in;
            }
            if (in) {
                throw invalid("has a quote that is not closed", "un guillemet n'est pas fermé");
            }
            return new Outside(text, quoted);
        }

        int count(char c) {
            int n = 0;
            for (int i = 0; i < text.length(); i++) {
                if (!quoted[i] && text.charAt(i) == c) {
                    n++;
                }
            }
            return n;
        }

        int first(char c) {
            for (int i = 0; i < text.length(); i++) {
                if (!quoted[i] && text.charAt(i) == c) {
                    return i;
                }
            }
            return -1;
        }

        boolean hasBlank() {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!quoted[i] && (Character.isWhitespace(c) || Character.isSpaceChar(c))) {
                    return true;
                }
            }
            return false;
        }
    }
}
