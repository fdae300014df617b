package org.camelmailer.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a request's JSON into a tree as Jackson's own tree reader would, but for the base64 {@code content} of each
 * attachment, which is decoded as it is read into a binary node: a 10 MiB attachment then costs its 10 MiB, not the
 * 14 million characters of its text held two and three times over by the parser (tens of MB for one message). Inside a
 * batch, the same holds for each message's attachments. Invalid base64 stays a string node, which {@link AttachmentReader}
 * refuses by name.
 */
final class MessageTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // line breaks between groups, as the base64 tool writes them; padding optional, as the JDK's decoder reads it
    private static final com.fasterxml.jackson.core.Base64Variant MIME_PADDING_OPTIONAL =
            com.fasterxml.jackson.core.Base64Variants.MIME.withPaddingAllowed();

    private MessageTree() {
    }

    /** The document's root (the parser before its first token), and nothing after it. */
    static JsonNode read(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return null;
        }
        JsonNode root = value(parser, first, Place.ROOT, new Path());
        if (parser.nextToken() != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "trailing content after the JSON value");
        }
        return root;
    }

    /** Where a value sits, as far as attachment content is concerned. */
    private enum Place { ROOT, MESSAGES, MESSAGE, ATTACHMENTS, ATTACHMENT, CONTENT, OTHER }

    /** The indexes that name an attachment's content in a refusal. */
    private static final class Path {
        int message = -1;
        int attachment = -1;

        String content() {
            return (message < 0 ? "" : "messages[" + message + "].") + "attachments[" + attachment + "].content";
        }
    }

    private static JsonNode value(JsonParser p, JsonToken token, Place place, Path path) throws IOException {
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    object.set(name, value(p, p.nextToken(), child(place, name), path));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                Place item = place == Place.MESSAGES ? Place.MESSAGE
                        : place == Place.ATTACHMENTS ? Place.ATTACHMENT : Place.OTHER;
                int index = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (item == Place.MESSAGE) {
                        path.message = index;
                    } else if (item == Place.ATTACHMENT) {
                        path.attachment = index;
                    }
                    array.add(value(p, t, item, path));
                    index++;
                }
                return array;
            }
            case VALUE_STRING:
                if (place == Place.CONTENT) {
                    return binary(p, path);
                }
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + token);
        }
    }

    private static Place child(Place parent, String field) {
        return switch (parent) {
            case ROOT -> "messages".equals(field) ? Place.MESSAGES : "attachments".equals(field) ? Place.ATTACHMENTS
                    : Place.OTHER;
            case MESSAGE -> "attachments".equals(field) ? Place.ATTACHMENTS : Place.OTHER;
            case ATTACHMENT -> "content".equals(field) ? Place.CONTENT : Place.OTHER;
            default -> Place.OTHER;
        };
    }

    /**
     * The string decoded from base64 as the parser reads it (line breaks and spaces between the groups allowed, as
     * the {@code base64} tool writes them; padding optional). Text that is no base64 stops the reading there (the
     * parser cannot resume inside a string): the request is refused naming the field, a batch as a whole.
     */
    private static JsonNode binary(JsonParser p, Path path) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try {
            p.readBinaryValue(MIME_PADDING_OPTIONAL, bytes);
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.exc.StreamReadException e) {
            throw new InvalidRequestException("Le champ '" + path.content() + "' n'est pas du base64 valide.");
        }
        return NODES.binaryNode(bytes.toByteArray());
    }
}
