package org.camelmailer.api;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.camelmailer.message.InvalidAddressException;
import org.camelmailer.suppress.SuppressionList;

/**
 * The operators' HTTP endpoints under /admin/suppressions: list the suppression list, add an address to it, take one
 * off it.
 */
public final class SuppressionsApi {

    /** The REST path parameter of {@code DELETE /admin/suppressions/{email}}, as a header. */
    static final String EMAIL = "email";
    static final String ADDED_BY_OPERATOR = "added by an operator";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SuppressionList suppressions;

    public SuppressionsApi(SuppressionList suppressions) {
        this.suppressions = suppressions;
    }

    /** GET /admin/suppressions: every entry, sorted by address. */
    public void list(Message out) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("suppressions", suppressions.list());
        ApiResponses.respond(out, 200, body);
    }

    /** POST /admin/suppressions {@code {"email": …}}: 201 with the entry. */
    public void add(@Header(Exchange.CONTENT_TYPE) String contentType, Message request) {
        MessageValidator.requireJson(contentType);
        String email = emailField(request.getBody(byte[].class));
        Map<String, Object> entry;
        try {
            entry = suppressions.add(email, ADDED_BY_OPERATOR, null);
        } catch (InvalidAddressException e) {
            throw new InvalidRequestException("Le champ 'email' doit être une seule adresse e-mail valide : "
                    + e.raison() + ".");
        }
        ApiResponses.respond(request, 201, entry);
    }

    /** DELETE /admin/suppressions/{email}: 200, or 404 when the address is not on the list. */
    public void remove(Message out, @Header(EMAIL) String email) {
        String key;
        try {
            key = SuppressionList.keyOf(email);
        } catch (InvalidAddressException e) {
            throw new InvalidRequestException("L'adresse du chemin doit être une seule adresse e-mail valide : "
                    + e.raison() + ".");
        }
        if (!suppressions.remove(key)) {
            throw new InvalidRequestException(404, "Cette adresse n'est pas dans la liste de suppression : " + key + ".");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", key);
        body.put("status", "removed");
        ApiResponses.respond(out, 200, body);
    }

    /** The body's one field, {@code email}, as a string; anything else is a 400 that says what is wrong. */
    private static String emailField(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("Le corps doit être un objet JSON : {\"email\": \"adresse@exemple.org\"}.");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!EMAIL.equals(name)) {
                throw new InvalidRequestException("Champ inconnu : '" + safeName(name) + "' (seul 'email' est attendu).");
            }
        }
        JsonNode email = root.get(EMAIL);
        if (email == null || email.isNull()) {
            throw new InvalidRequestException("Le champ 'email' est requis.");
        }
        if (!email.isTextual()) {
            throw new InvalidRequestException("Le champ 'email' doit être une chaîne de caractères.");
        }
        return email.textValue();
    }

    /** A field name echoed in an error: cut short, and only printable ASCII. */
    private static String safeName(String name) {
        String clean = name.replaceAll("[^\\x20-\\x7E]", "?").replace("'", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
