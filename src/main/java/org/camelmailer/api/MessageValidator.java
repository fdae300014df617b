package org.camelmailer.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.Header;
import org.apache.camel.Message;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.InvalidAddressException;
import org.camelmailer.message.MailTask;

/**
 * Checks a {@code POST /message} body field by field and turns it into a {@link MailTask} with a fresh id.
 * Every refusal names the field, so the front end can show it; nothing is queued for a refused request.
 */
public final class MessageValidator {

    /** RFC 5322's limit for one header line; a subject is never longer in practice. */
    static final int MAX_SUBJECT_LENGTH = 998;

    private static final Pattern JSON_TYPE = Pattern.compile("(?i)application/json\\s*(;.*)?");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Set<String> allowedDomains;

    public MessageValidator() {
        this(Set.of());
    }

    /**
     * With a recipient allow-list (MAILER_ALLOWED_RECIPIENT_DOMAINS): other domains get 403. Empty: any.
     * Domains are compared in their ASCII form, so {@code müller.example} listed allows {@code xn--mller-kva.example}.
     */
    public MessageValidator(Set<String> allowedDomains) {
        this.allowedDomains = allowedDomains.stream().map(String::strip).filter(d -> !d.isEmpty())
                .map(EmailAddress::asciiDomain).collect(Collectors.toUnmodifiableSet());
    }

    /** The request body is decoded as UTF-8 here, whatever the JVM's default charset is. */
    public MailTask validate(@Header(Exchange.CONTENT_TYPE) String contentType, Message request) {
        requireJson(contentType);
        // read as bytes only once the type is JSON: a form body is no byte[] to Camel
        byte[] body = request.getBody(byte[].class);
        return check(body == null ? null : utf8(body), contentType);
    }

    private static void requireJson(String contentType) {
        if (contentType == null || !JSON_TYPE.matcher(contentType).matches()) {
            throw new InvalidRequestException(415, "Le corps de la requête doit être du JSON (Content-Type: application/json).");
        }
    }

    /** Strict: bytes that are not UTF-8 are refused, not silently replaced by U+FFFD in the mail. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("Le corps de la requête n'est pas du texte UTF-8 valide.");
        }
    }

    public MailTask check(String body, String contentType) {
        requireJson(contentType);
        JsonNode root = parse(body);
        String destinataire = requiredText(root, "destinataire");
        String sujet = requiredText(root, "sujet");
        String message = requiredText(root, "message");
        boolean enhance = optionalBoolean(root, "enhance_content");

        noLineBreak("destinataire", destinataire);
        noLineBreak("sujet", sujet);
        if (sujet.length() > MAX_SUBJECT_LENGTH) {
            throw new InvalidRequestException("Le champ 'sujet' dépasse " + MAX_SUBJECT_LENGTH + " caractères.");
        }
        EmailAddress recipient;
        try {
            recipient = EmailAddress.parse(destinataire);
        } catch (InvalidAddressException e) {
            throw new InvalidRequestException(
                    "Le champ 'destinataire' doit être une seule adresse e-mail valide : " + e.raison() + ".");
        }
        if (!allowedDomains.isEmpty() && !allowed(recipient.domain())) {
            throw new InvalidRequestException(403, "Ce domaine de destinataire n'est pas autorisé.");
        }
        // the normalised form: the name as written, the domain in punycode; a bare address stays bare
        return new MailTask(UUID.randomUUID().toString(), recipient.text(), sujet, message, enhance, 0,
                Instant.now().toString());
    }

    /** The domain itself or one of its subdomains (both ASCII, lower case). */
    private boolean allowed(String domain) {
        return allowedDomains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("Le corps de la requête est vide : un objet JSON est attendu.");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("Le corps de la requête n'est pas du JSON valide.");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("Le corps de la requête doit être un objet JSON.");
        }
        return root;
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequestException("Le champ '" + field + "' est requis.");
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException("Le champ '" + field + "' doit être une chaîne de caractères.");
        }
        String value = node.textValue();
        if (value.isBlank()) {
            throw new InvalidRequestException("Le champ '" + field + "' ne doit pas être vide.");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidRequestException("Le champ '" + field + "' contient un caractère nul.");
        }
        return value;
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidRequestException("Le champ '" + field + "' doit être un booléen (true ou false).");
        }
        return node.booleanValue();
    }

    /** A CR or LF in a header field would let a client add headers (Bcc:) to the mail. */
    private static void noLineBreak(String field, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new InvalidRequestException("Le champ '" + field + "' ne doit pas contenir de retour à la ligne.");
        }
    }
}
