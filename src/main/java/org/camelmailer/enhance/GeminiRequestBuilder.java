package org.camelmailer.enhance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Enhance step, outbound: turns a message's plain text into the JSON body of a Gemini generateContent call, with the
 * operator's system prompt (GEMINI_PROMPT_FILE) and generation settings.
 */
public final class GeminiRequestBuilder {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String systemInstruction;
    private final double temperature;
    private final int maxOutputTokens;

    /**
     * @param systemInstruction the system prompt (prompts/enhance.txt): responseMimeType accepts only text/plain or
     *                          application/json, so the HTML is asked for there
     */
    public GeminiRequestBuilder(String systemInstruction, double temperature, int maxOutputTokens) {
        if (systemInstruction == null || systemInstruction.isBlank()) {
            throw new IllegalArgumentException("the system instruction must not be empty");
        }
        // Gemini rejects these with a 400, which would only surface at the first message.
        if (!(temperature >= 0.0 && temperature <= 2.0)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        if (maxOutputTokens <= 0) {
            throw new IllegalArgumentException("maxOutputTokens must be positive, was " + maxOutputTokens);
        }
        this.systemInstruction = systemInstruction.strip();
        this.temperature = temperature;
        this.maxOutputTokens = maxOutputTokens;
    }

    /**
     * The system prompt kept in {@code file} (read once, at start), or an IllegalArgumentException saying what is
     * wrong with the file, to follow {@code GEMINI_PROMPT_FILE=<file>: }.
     */
    public static String readInstruction(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw new IllegalArgumentException("no such file (looked for " + absolute + "): it holds the system prompt "
                    + "sent to Gemini, see README");
        }
        if (!Files.isRegularFile(absolute) || !Files.isReadable(absolute)) {
            throw new IllegalArgumentException("is not a readable file (" + absolute + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(absolute))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("is not UTF-8 text (" + absolute + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + absolute + "): " + e.getMessage());
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("is empty (" + absolute + "): it must hold the system prompt sent to Gemini");
        }
        return text.strip();
    }

    /** The request body for this text; Jackson does the escaping, so any text is safe to pass. */
    public String build(String plainText) {
        Objects.requireNonNull(plainText, "plainText");
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject("systemInstruction").putArray("parts").addObject().put("text", systemInstruction);
        ObjectNode userTurn = root.putArray("contents").addObject();
        userTurn.put("role", "user");
        userTurn.putArray("parts").addObject().put("text", plainText);
        ObjectNode config = root.putObject("generationConfig");
        config.put("temperature", temperature);
        config.put("maxOutputTokens", maxOutputTokens);
        config.put("responseMimeType", "text/plain");
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            // a tree of strings and numbers always serialises; this would be a Jackson bug
            throw new UncheckedIOException(e);
        }
    }
}
