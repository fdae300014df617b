package org.camelmailer.api;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.camelmailer.message.Attachment;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.InvalidAddressException;
import org.camelmailer.message.MailTask;
import org.camelmailer.template.Rendered;
import org.camelmailer.template.TemplateException;
import org.camelmailer.template.TemplateStore;

/**
 * Checks a {@code POST /message} body field by field and turns it into a {@link MailTask} with a fresh id.
 * Every refusal names the field, so the front end can show it; nothing is queued for a refused request.
 * <p>
 * The Flask mailer's four fields keep their names, rules and answers; each has an English alias ({@code to},
 * {@code subject}, {@code text}), and a field given under both names is refused. The rest of the message API
 * (cc, bcc, reply_to, from, html, attachments, headers, tags, metadata) is optional; see README "API".
 */
public final class MessageValidator {

    /** RFC 5322's limit for one header line; a subject is never longer in practice. */
    static final int MAX_SUBJECT_LENGTH = 998;
    static final int MAX_TAGS = 10;
    static final int MAX_TAG_LENGTH = 64;
    static final int MAX_METADATA_BYTES = 4096;
    static final int MAX_HEADERS = 50;
    static final String TOO_LARGE = "Le corps de la requête dépasse la taille maximale autorisée.";

    private static final Pattern JSON_TYPE = Pattern.compile("(?i)application/json\\s*(;.*)?");
    // RFC 5322 field-name: printable ASCII but ':'; the client's own headers start with X-
    private static final Pattern X_HEADER = Pattern.compile("(?i)X-[\\x21-\\x39\\x3B-\\x7E]{1,76}");
    private static final Set<String> LIST_HEADERS = Set.of("list-unsubscribe", "list-unsubscribe-post");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final TypeReference<Map<String, Object>> VARIABLES = new TypeReference<>() { };

    private final MessagePolicy policy;
    private final TemplateStore templates;

    /** Any recipient domain, the default sender and limits: for tests. */
    public MessageValidator() {
        this(MessagePolicy.defaults("camel-mailer@localhost"));
    }

    /** With a recipient allow-list (MAILER_ALLOWED_RECIPIENT_DOMAINS): other domains get 403. Empty: any. */
    public MessageValidator(Set<String> allowedDomains) {
        this(MessagePolicy.of(allowedDomains, "camel-mailer@localhost", Set.of(), MessagePolicy.DEFAULT_MAX_RECIPIENTS,
                MessagePolicy.DEFAULT_MAX_MESSAGE_SIZE, MessagePolicy.DEFAULT_MAX_BODY_SIZE,
                MessagePolicy.DEFAULT_MAX_BATCH));
    }

    public MessageValidator(MessagePolicy policy) {
        this(policy, null);
    }

    /** {@code templates}: the store {@code template} names are rendered from (null: none, every name is unknown). */
    public MessageValidator(MessagePolicy policy, TemplateStore templates) {
        this.policy = policy;
        this.templates = templates;
    }

    /**
     * The request body is read as UTF-8 here, whatever the JVM's default charset is, and straight from the server's
     * buffer: a message with 10 MiB of attachments is not copied into an array, a String and a char array first.
     */
    public MailTask validate(@Header(Exchange.CONTENT_TYPE) String contentType, Message request) {
        requireJson(contentType);
        return check(bytes(request), contentType);
    }

    /** The body's bytes without a copy when the server gives a Vert.x buffer (read only once the type is JSON). */
    private static ByteBuffer bytes(Message request) {
        Object body = request.getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof io.vertx.core.buffer.Buffer buffer) {
            return buffer.getByteBuf().nioBuffer();
        }
        byte[] array = request.getBody(byte[].class);
        return array == null ? null : ByteBuffer.wrap(array);
    }

    static void requireJson(String contentType) {
        if (contentType == null || !JSON_TYPE.matcher(contentType).matches()) {
            throw new InvalidRequestException(415, "Le corps de la requête doit être du JSON (Content-Type: application/json).");
        }
    }

    /**
     * Strict: bytes that are not UTF-8 are refused, not silently replaced by U+FFFD in the mail. Checked through an 8 KiB
     * window, so a large body costs no second copy.
     */
    static void requireUtf8(ByteBuffer body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = body.duplicate();
        CharBuffer window = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            window.clear();
            result = decoder.decode(in, window, true);
            if (result.isError()) {
                throw new NotJson("Le corps de la requête n'est pas du texte UTF-8 valide.");
            }
        } while (result.isOverflow());
        window.clear();
        if (decoder.flush(window).isError()) {
            throw new NotJson("Le corps de la requête n'est pas du texte UTF-8 valide.");
        }
    }

    public MailTask check(String body, String contentType) {
        return check(body == null ? null : ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), contentType);
    }

    MailTask check(ByteBuffer body, String contentType) {
        requireJson(contentType);
        // the server takes bodies big enough for attachments; the rest of a message keeps the small limit, and a
        // large body that is no message is refused as too large, as it always was
        JsonNode root = parse(body);
        if (body.remaining() > policy.maxBodySize() && restSize(root) > policy.maxBodySize()) {
            throw new InvalidRequestException(413, TOO_LARGE);
        }
        return read(root);
    }

    /** Parsed as a JSON object; a body that is not one, and over the small limit, is refused as too large. */
    private JsonNode parse(ByteBuffer body) {
        if (body == null || isBlank(body)) {
            throw new InvalidRequestException("Le corps de la requête est vide : un objet JSON est attendu.");
        }
        try {
            requireUtf8(body);
            return parse(new InputStreamReader(new ByteBufferBackedInputStream(body.duplicate()), StandardCharsets.UTF_8));
        } catch (NotJson e) {
            throw body.remaining() > policy.maxBodySize() ? new InvalidRequestException(413, TOO_LARGE) : e;
        }
    }

    /** The body is no JSON object (a refusal that a large body turns into 413). */
    private static final class NotJson extends InvalidRequestException {
        NotJson(String message) {
            super(message);
        }
    }

    private static boolean isBlank(ByteBuffer body) {
        for (int i = body.position(); i < body.limit(); i++) {
            byte b = body.get(i);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != 0x0B && b != '\f') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code POST /messages/batch}: an object with a {@code messages} array of at most MAILER_BATCH_MAX messages, each
     * read as {@link #read} reads one (its refusal kept by its index, not thrown: the valid ones still go).
     */
    public Batch batch(@Header(Exchange.CONTENT_TYPE) String contentType, Message request) {
        int maxItems = policy.maxBatch();
        requireJson(contentType);
        JsonNode root = parse(bytes(request));
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new InvalidRequestException("Le corps doit être un objet avec un tableau 'messages'.");
        }
        if (messages.isEmpty()) {
            throw new InvalidRequestException("Le tableau 'messages' doit avoir au moins un message.");
        }
        if (messages.size() > maxItems) {
            throw new InvalidRequestException(413, "Le tableau 'messages' a " + messages.size()
                    + " messages, au plus " + maxItems + " (MAILER_BATCH_MAX).");
        }
        List<Batch.Item> items = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            try {
                JsonNode message = messages.get(i);
                if (message.isObject() && restSize(message) > policy.maxBodySize()) {
                    throw new InvalidRequestException(413, TOO_LARGE);
                }
                items.add(new Batch.Item(i, read(message), null));
            } catch (InvalidRequestException e) {
                items.add(new Batch.Item(i, null, e));
            }
        }
        return new Batch(items);
    }

    /** The size of {@code message} in JSON but its attachments' content. */
    static long restSize(JsonNode message) {
        JsonNode attachments = message.get("attachments");
        if (attachments == null || !attachments.isArray()) {
            return message.toString().length();
        }
        ObjectNode rest = message.deepCopy();
        for (JsonNode attachment : rest.withArray("attachments")) {
            if (attachment instanceof ObjectNode item) {
                item.remove("content");
            }
        }
        return rest.toString().length();
    }

    /** One message object (a request's body, or an item of a batch) as a task with a fresh id. */
    public MailTask read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("Un message doit être un objet JSON.");
        }
        String toField = alias(root, "destinataire", "to");
        String subjectField = alias(root, "sujet", "subject");
        String textField = alias(root, "message", "text");
        // presence first, in the Flask mailer's order, then each field's content
        if (toField == null) {
            throw new InvalidRequestException(required("destinataire"));
        }
        if (!root.get(toField).isArray()) {
            requiredText(root, toField);
        }
        String template = optionalText(root, "template");
        Map<String, Object> variables = variables(root, template);
        if (subjectField == null && template == null) {
            throw new InvalidRequestException(required("sujet"));
        }
        String subject = subjectField == null ? null : requiredText(root, subjectField);
        String text = textField == null ? null : requiredText(root, textField);
        String html = optionalText(root, "html");
        if (text == null && html == null && template == null) {
            throw new InvalidRequestException(required("message"));
        }
        boolean enhance = optionalBoolean(root, "enhance_content");
        if (enhance && html != null) {
            throw new InvalidRequestException("Les champs 'enhance_content' et 'html' ne vont pas ensemble : "
                    + "enhance_content fait le HTML à partir du texte, et ce message a déjà le sien.");
        }
        if (!root.get(toField).isArray()) {
            noLineBreak(toField, root.get(toField).textValue());
        }
        if (subject != null) {
            subject(subjectField, subject);
        }
        if (template != null) {
            // rendered now, so what is queued is what is sent; the request's own fields win over the template's
            Rendered rendered = render(template, variables);
            subject = subject != null ? subject : rendered.subject();
            text = text != null ? text : rendered.text();
            html = html != null || enhance ? html : rendered.html();
            if (subject == null || subject.isBlank()) {
                throw new InvalidRequestException("Le champ 'sujet' est requis : le modèle '" + template
                        + "' n'a pas de sujet.");
            }
            if (text == null && html == null) {
                throw new InvalidRequestException(422, "Le modèle '" + template + "' n'a ni texte ni HTML"
                        + (enhance ? " à améliorer" : "") + ".");
            }
        }
        List<String> to = recipients(root, toField, true);
        List<String> cc = recipients(root, "cc", false);
        List<String> bcc = recipients(root, "bcc", false);
        int count = to.size() + cc.size() + bcc.size();
        if (count > policy.maxRecipients()) {
            throw tooManyRecipients(count);
        }
        List<Attachment> attachments = AttachmentReader.read(root.get("attachments"), policy.maxMessageSize());
        Instant now = Instant.now();
        Instant sendAt = sendAt(root.get("send_at"), now);
        return new MailTask(UUID.randomUUID().toString(), to, cc, bcc, replyTo(root), from(root), subject, text, html,
                headers(root), attachments, tags(root), metadata(root), template, enhance, 0, now.toString(),
                false, sendAt == null ? null : sendAt.toString(), 0);
    }

    /**
     * {@code PATCH /message/{task_id}}: a JSON object with {@code send_at}, checked as {@link #read} checks it. The new
     * send time, or null for now (a time now or past: sent at once).
     */
    public Instant reschedule(@Header(Exchange.CONTENT_TYPE) String contentType, Message request) {
        requireJson(contentType);
        JsonNode root = parse(bytes(request));
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"send_at".equals(name)) {
                throw new InvalidRequestException("Le champ '" + printable(name) + "' ne se change pas : seul 'send_at' "
                        + "le peut.");
            }
        }
        JsonNode node = root.get("send_at");
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(required("send_at"));
        }
        return sendAt(node, Instant.now());
    }

    /**
     * {@code send_at}: an RFC 3339 time with its offset ({@code 2026-12-24T08:00:00+01:00}), or seconds since 1970 as a
     * number or a string of digits; to the millisecond. Null when absent, now or past (sent at once); a 400 naming the
     * field when malformed or later than MAILER_MAX_SCHEDULE_AHEAD from {@code now}.
     */
    Instant sendAt(JsonNode node, Instant now) {
        if (node == null || node.isNull()) {
            return null;
        }
        Instant at;
        if (node.isNumber()) {
            at = Double.isFinite(node.doubleValue()) ? epochSeconds(node.decimalValue()) : null;
        } else if (node.isTextual()) {
            String text = node.textValue().strip();
            at = EPOCH_SECONDS.matcher(text).matches() ? epochSeconds(new java.math.BigDecimal(text)) : rfc3339(text);
        } else {
            at = null;
        }
        if (at == null) {
            throw new InvalidRequestException("Le champ 'send_at' doit être une date RFC 3339 avec son décalage "
                    + "(2026-12-24T08:00:00+01:00) ou un nombre de secondes depuis 1970.");
        }
        if (at.isAfter(now.plus(policy.maxScheduleAhead()))) {
            throw new InvalidRequestException("Le champ 'send_at' est trop loin : au plus "
                    + org.camelmailer.config.Durations.describe(policy.maxScheduleAhead())
                    + " à l'avance (MAILER_MAX_SCHEDULE_AHEAD).");
        }
        return at.isAfter(now) ? at : null;
    }

    private static final Pattern EPOCH_SECONDS = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");

    /** Null when out of range (before 1970, or beyond any schedule). */
    private static Instant epochSeconds(java.math.BigDecimal seconds) {
        if (seconds.signum() < 0 || seconds.compareTo(java.math.BigDecimal.valueOf(253_402_300_799L)) > 0) {
            return null;
        }
        return Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, java.math.RoundingMode.DOWN).longValueExact());
    }

    /** RFC 3339: a date, a time and an offset (Z or ±hh:mm); null otherwise. */
    private static Instant rfc3339(String text) {
        try {
            return java.time.OffsetDateTime.parse(text, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private Rendered render(String template, Map<String, Object> variables) {
        if (templates == null) {
            throw new InvalidRequestException(404, "Le modèle '" + template + "' n'existe pas.");
        }
        try {
            return templates.render(template, variables);
        } catch (TemplateException e) {
            throw new InvalidRequestException(e.status(), e.getMessage());
        }
    }

    /** {@code variables}: an object, and only with a template. */
    private static Map<String, Object> variables(JsonNode root, String template) {
        JsonNode node = root.get("variables");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (template == null) {
            throw new InvalidRequestException("Le champ 'variables' ne sert qu'avec 'template'.");
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("Le champ 'variables' doit être un objet (nom → valeur).");
        }
        return JSON.convertValue(node, VARIABLES);
    }

    private InvalidRequestException tooManyRecipients(int count) {
        return new InvalidRequestException("Trop de destinataires : " + count + " (to, cc et bcc), au plus "
                + policy.maxRecipients() + " (MAILER_MAX_RECIPIENTS).");
    }

    private static JsonNode parse(Reader body) {
        JsonNode root;
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            root = MessageTree.read(parser);
        } catch (JsonProcessingException e) {
            throw new NotJson("Le corps de la requête n'est pas du JSON valide.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new NotJson("Le corps de la requête doit être un objet JSON.");
        }
        return root;
    }

    /** The name under which the field was given, or null; both names at once is a 400 naming both. */
    private static String alias(JsonNode root, String name, String other) {
        boolean first = root.has(name);
        boolean second = root.has(other);
        if (first && second) {
            throw new InvalidRequestException("Les champs '" + name + "' et '" + other
                    + "' sont le même champ : donnez-en un seul.");
        }
        return first ? name : second ? other : null;
    }

    /** One address or an array of them, each checked, in their normalised forms. */
    private List<String> recipients(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidRequestException(required(field));
            }
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(recipient(field, requiredText(root, field)));
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("Le champ '" + field
                    + "' doit être une adresse ou un tableau d'adresses.");
        }
        if (node.isEmpty() && required) {
            throw new InvalidRequestException("Le champ '" + field + "' doit avoir au moins une adresse.");
        }
        if (node.size() > policy.maxRecipients()) {
            throw tooManyRecipients(node.size());
        }
        List<String> addresses = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String item = field + "[" + i + "]";
            JsonNode value = node.get(i);
            if (!value.isTextual()) {
                throw new InvalidRequestException("Le champ '" + item + "' doit être une chaîne de caractères.");
            }
            addresses.add(recipient(item, value.textValue()));
        }
        return addresses;
    }

    private String recipient(String field, String text) {
        noLineBreak(field, text);
        EmailAddress address = address(field, text);
        if (!policy.allowsRecipient(address)) {
            throw new InvalidRequestException(403, "Ce domaine de destinataire n'est pas autorisé.");
        }
        // the normalised form: the name as written, the domain in punycode; a bare address stays bare
        return address.text();
    }

    private static EmailAddress address(String field, String text) {
        try {
            return EmailAddress.parse(text);
        } catch (InvalidAddressException e) {
            throw new InvalidRequestException(
                    "Le champ '" + field + "' doit être une seule adresse e-mail valide : " + e.raison() + ".");
        }
    }

    private static String replyTo(JsonNode root) {
        String text = optionalText(root, "reply_to");
        return text == null ? null : address("reply_to", text).text();
    }

    /** A display name and/or an address the service may send from (403 for any other address). */
    private String from(JsonNode root) {
        String text = optionalText(root, "from");
        if (text == null) {
            return null;
        }
        noLineBreak("from", text);
        if (text.indexOf('@') < 0) {
            // a name alone goes with SENDER_EMAIL
            text = "\"" + text.strip().replace("\\", "\\\\").replace("\"", "\\\"") + "\" <" + policy.sender() + ">";
        }
        EmailAddress from = address("from", text);
        if (!policy.allowsSender(from)) {
            throw new InvalidRequestException(403, "L'adresse du champ 'from' n'est pas autorisée : seules "
                    + "SENDER_EMAIL et celles de MAILER_ALLOWED_SENDERS le sont.");
        }
        return from.text();
    }

    private static void subject(String field, String subject) {
        noLineBreak(field, subject);
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new InvalidRequestException("Le champ '" + field + "' dépasse " + MAX_SUBJECT_LENGTH + " caractères.");
        }
    }

    /** X-… headers and the two List-Unsubscribe ones; any other name would let a client forge what the service writes. */
    private static Map<String, String> headers(JsonNode root) {
        JsonNode node = root.get("headers");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("Le champ 'headers' doit être un objet (nom → valeur).");
        }
        if (node.size() > MAX_HEADERS) {
            throw new InvalidRequestException("Le champ 'headers' a plus de " + MAX_HEADERS + " en-têtes.");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            String name = header.getKey();
            String field = "headers." + name;
            if (!X_HEADER.matcher(name).matches() && !LIST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidRequestException("L'en-tête '" + printable(name) + "' n'est pas permis dans 'headers' : "
                        + "seuls les en-têtes X-…, List-Unsubscribe et List-Unsubscribe-Post le sont.");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidRequestException("L'en-tête '" + name + "' est donné deux fois dans 'headers'.");
            }
            if (!header.getValue().isTextual()) {
                throw new InvalidRequestException("Le champ '" + field + "' doit être une chaîne de caractères.");
            }
            String value = header.getValue().textValue();
            noLineBreak(field, value);
            if (value.indexOf('\0') >= 0 || value.length() > MAX_SUBJECT_LENGTH) {
                throw new InvalidRequestException("Le champ '" + field + "' contient un caractère nul ou dépasse "
                        + MAX_SUBJECT_LENGTH + " caractères.");
            }
            headers.put(name, value);
        }
        return headers;
    }

    private static List<String> tags(JsonNode root) {
        JsonNode node = root.get("tags");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("Le champ 'tags' doit être un tableau de chaînes.");
        }
        if (node.size() > MAX_TAGS) {
            throw new InvalidRequestException("Le champ 'tags' a plus de " + MAX_TAGS + " étiquettes.");
        }
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode tag = node.get(i);
            String field = "tags[" + i + "]";
            if (!tag.isTextual() || tag.textValue().isBlank()) {
                throw new InvalidRequestException("Le champ '" + field + "' doit être une chaîne non vide.");
            }
            String value = tag.textValue().strip();
            if (value.length() > MAX_TAG_LENGTH || value.codePoints().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException("Le champ '" + field + "' doit tenir en " + MAX_TAG_LENGTH
                        + " caractères, sans caractère de contrôle.");
            }
            tags.add(value);
        }
        return List.copyOf(tags);
    }

    private static Map<String, String> metadata(JsonNode root) {
        JsonNode node = root.get("metadata");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("Le champ 'metadata' doit être un objet de chaînes.");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidRequestException("Le champ 'metadata." + entry.getKey()
                        + "' doit être une chaîne de caractères.");
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
        int size = node.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_METADATA_BYTES) {
            throw new InvalidRequestException("Le champ 'metadata' dépasse " + MAX_METADATA_BYTES + " octets en JSON.");
        }
        return metadata;
    }

    private static String required(String field) {
        return "Le champ '" + field + "' est requis.";
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(required(field));
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

    /** Absent or null: null; otherwise as {@link #requiredText}. */
    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : requiredText(root, field);
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

    /** A refused header name as the answer may quote it: printable ASCII only. */
    private static String printable(String name) {
        return name.codePoints().filter(c -> c >= 0x20 && c < 0x7F)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
