package org.camelmailer.api;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.camelmailer.message.Attachment;

/**
 * The {@code attachments} array of a message: each item's base64 checked, its file name reduced to a safe base name,
 * its media type given or taken from the extension, its optional Content-ID checked. Sizes are the decoded bytes.
 */
final class AttachmentReader {

    /** A file name longer than this is cut (keeping its extension): mail clients show no more. */
    static final int MAX_FILENAME = 200;

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
    // RFC 5322 msg-id's left and right parts, without the angle brackets: atext and dots, one '@' at most
    private static final Pattern CONTENT_ID = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,200}(@[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,200})?");
    private static final Pattern BASE64_SPACE = Pattern.compile("[ \t\r\n]+");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("ics", "text/calendar"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
            Map.entry("zip", "application/zip"), Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("doc", "application/msword"), Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("odt", "application/vnd.oasis.opendocument.text"), Map.entry("eml", "message/rfc822"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("mp4", "video/mp4"), Map.entry("gz", "application/gzip"));

    private AttachmentReader() {
    }

    /** The attachments with their bytes; their total over the limit is a 413. */
    static List<Attachment> read(JsonNode node, long maxTotal) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("Le champ 'attachments' doit être un tableau d'objets.");
        }
        List<Attachment> attachments = new ArrayList<>(node.size());
        long total = 0;
        for (int i = 0; i < node.size(); i++) {
            String field = "attachments[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw new InvalidRequestException("Le champ '" + field + "' doit être un objet.");
            }
            String filename = safeFilename(field, text(item, field, "filename", false));
            byte[] content = content(item, field);
            long size = content.length;
            total += size;
            if (total > maxTotal) {
                throw new InvalidRequestException(413, "Les pièces jointes dépassent " + maxTotal
                        + " octets une fois décodées (MAILER_MAX_MESSAGE_SIZE).");
            }
            String type = text(item, field, "content_type", true);
            if (type == null) {
                type = typeOf(filename);
            } else if (!MEDIA_TYPE.matcher(type.strip()).matches()) {
                throw new InvalidRequestException("Le champ '" + field + ".content_type' doit être un type de média "
                        + "comme application/pdf.");
            } else {
                type = type.strip().toLowerCase(Locale.ROOT);
            }
            String contentId = text(item, field, "content_id", true);
            if (contentId != null) {
                contentId = contentId.strip();
                if (contentId.startsWith("<") && contentId.endsWith(">")) {
                    contentId = contentId.substring(1, contentId.length() - 1);
                }
                if (!CONTENT_ID.matcher(contentId).matches()) {
                    throw new InvalidRequestException("Le champ '" + field + ".content_id' doit être un identifiant "
                            + "sans espace ni caractère spécial, comme logo ou logo@example.org.");
                }
            }
            attachments.add(new Attachment(filename, type, contentId, size, content));
        }
        return attachments;
    }

    /** Decoded as {@link MessageTree} read it, or from the text when the node is one (a tree built otherwise). */
    private static byte[] content(JsonNode item, String field) {
        JsonNode node = item.get("content");
        if (node != null && node.isBinary()) {
            return ((com.fasterxml.jackson.databind.node.BinaryNode) node).binaryValue();
        }
        String text = BASE64_SPACE.matcher(text(item, field, "content", false)).replaceAll("");
        if (decodedSize(text) < 0) {
            throw new InvalidRequestException("Le champ '" + field + ".content' n'est pas du base64 valide.");
        }
        return Base64.getDecoder().decode(text);
    }

    /**
     * The bytes {@code base64} (RFC 4648 alphabet, no line breaks left) decodes to, or -1 when {@link Base64#getDecoder()}
     * would refuse it: counted, not decoded, so a 10 MiB attachment costs no 10 MiB array here. Padding is optional,
     * and only at the end.
     */
    static long decodedSize(String base64) {
        int length = base64.length();
        int padding = 0;
        while (padding < 2 && padding < length && base64.charAt(length - 1 - padding) == '=') {
            padding++;
        }
        int data = length - padding;
        for (int i = 0; i < data; i++) {
            char c = base64.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return -1;
            }
        }
        if (padding > 0 && length % 4 != 0 || padding == 0 && data % 4 == 1) {
            return -1;
        }
        return data / 4 * 3L + Math.max(0, data % 4 - 1);
    }

    /**
     * The base name of what the client gave: no folder (either slash), no control character (CR/LF), no leading dots,
     * at most {@link #MAX_FILENAME} characters; what is left must not be empty.
     */
    static String safeFilename(String field, String given) {
        String name = given == null ? "" : given;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder kept = new StringBuilder(name.length());
        name.codePoints().filter(c -> !Character.isISOControl(c) && c != '\u2028' && c != '\u2029'
                && c != '"').forEach(kept::appendCodePoint);
        name = kept.toString().strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        if (name.isEmpty()) {
            throw new InvalidRequestException("Le champ '" + field + ".filename' doit donner un nom de fichier.");
        }
        if (name.codePointCount(0, name.length()) > MAX_FILENAME) {
            int dot = name.lastIndexOf('.');
            String ext = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
            name = name.substring(0, name.offsetByCodePoints(0, MAX_FILENAME - ext.length())) + ext;
        }
        return name;
    }

    static String typeOf(String filename) {
        int dot = filename.lastIndexOf('.');
        String ext = dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static String text(JsonNode item, String field, String name, boolean optional) {
        JsonNode value = item.get(name);
        if (value == null || value.isNull()) {
            if (optional) {
                return null;
            }
            throw new InvalidRequestException("Le champ '" + field + "." + name + "' est requis.");
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException("Le champ '" + field + "." + name + "' doit être une chaîne de caractères.");
        }
        return value.textValue();
    }
}
