package org.camelmailer.queue;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;

/**
 * JSON for the values of {@link TaskQueue#PUT}'s pseudo-fields (events, webhook jobs), in which the script replaces
 * {@code %SEQ%}, {@code %ATTEMPT%} and {@code %ID%}. Every {@code %} of the data is written {@code \u0025} (the same
 * JSON once parsed), so a tag, a metadata value or a server's reply holding {@code %ID%} reaches its reader as written;
 * only the placeholders below are written as the script looks for them.
 */
public final class ScriptJson {

    /** The event's number in the record's history: a JSON number once the script has run. */
    public static final Object SEQ = new Placeholder("%SEQ%");
    /** The record's attempt count when the script runs: a JSON number. */
    public static final Object ATTEMPT = new Placeholder("%ATTEMPT%");
    /** The record's task_id: a JSON string. */
    public static final Object TASK_ID = new Placeholder("\"%ID%\"");

    private static final ObjectMapper JSON = new ObjectMapper(new JsonFactory().setCharacterEscapes(new Percent()));

    private ScriptJson() {
    }

    /** {@code value} as JSON, every {@code %} of its data escaped. */
    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data that is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A placeholder written as it is, where a JSON value goes. */
    private record Placeholder(String raw) implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeRawValue(raw);
        }

        @Override
        public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
                throws IOException {
            serialize(gen, serializers);
        }
    }

    /** JSON's own escapes, and {@code %} as {@code \u0025}. */
    private static final class Percent extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] escapes;

        Percent() {
            escapes = standardAsciiEscapesForJSON();
            escapes['%'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
