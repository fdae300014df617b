package org.camelmailer.enhance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Enhance step, audit: every Gemini request and answer as one JSON file in GEMINI_LOG_DIR (written by the route's file
 * step), so a bad mail can be traced to its call.
 */
public final class GeminiExchangeLog {

    private static final DateTimeFormatter FILE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    /** One folder per UTC day, so that a day is kept or removed whole ({@link GeminiLogRetention}). */
    static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path dir;
    private final UnaryOperator<String> redactor;
    private final Clock clock;

    public GeminiExchangeLog(Path dir) {
        this(dir, UnaryOperator.identity());
    }

    /** The redactor sees the final file text: a last guard should a secret ever reach a request or answer. */
    public GeminiExchangeLog(Path dir, UnaryOperator<String> redactor) {
        this(dir, redactor, Clock.systemUTC());
    }

    GeminiExchangeLog(Path dir, UnaryOperator<String> redactor, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.redactor = redactor == null ? UnaryOperator.identity() : redactor;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One attempt's log entry: its file name relative to the log folder (in its day's folder), and its text. */
    public record Entry(String fileName, String text) {
    }

    /**
     * One attempt's entry, named after the time and the task, in the folder of its UTC day
     * ({@code 2026-11-28/20261128T044637123Z-<task_id>.json}; a name already taken gets the attempt number, then a
     * counter). The route writes it with Camel's file component.
     *
     * @param httpStatus null when no answer came back
     * @param error      null unless the call failed without an answer (timeout, connection refused)
     */
    public Entry entry(String taskId, int attempt, String model, String requestBody, Integer httpStatus,
                       String responseBody, long durationMillis, String error) {
        Instant now = clock.instant();
        ObjectNode entry = MAPPER.createObjectNode();
        entry.put("task_id", taskId);
        entry.put("attempt", attempt);
        entry.put("model", model);
        entry.put("timestamp", now.toString());
        entry.put("duration_ms", durationMillis);
        entry.set("request", embedded(requestBody));
        entry.put("status", httpStatus);
        entry.set("response", embedded(responseBody));
        entry.put("error", error);
        String text;
        try {
            text = redactor.apply(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(entry) + "\n");
        } catch (JsonProcessingException e) {
            // a tree of strings, numbers and parsed JSON always serialises; this would be a Jackson bug
            throw new UncheckedIOException(e);
        }
        return new Entry(freeName(DAY.format(now), FILE_STAMP.format(now) + "-" + safeFileName(taskId), attempt), text);
    }

    /** The first of name.json, name-attempt.json, name-attempt-2.json, … that is not taken. */
    private String freeName(String day, String baseName, int attempt) {
        String candidate = baseName + ".json";
        for (int counter = 1; Files.exists(dir.resolve(day).resolve(candidate)); counter++) {
            String suffix = counter == 1 ? "-" + attempt : "-" + attempt + "-" + counter;
            candidate = baseName + suffix + ".json";
        }
        return day + "/" + candidate;
    }

    /** A body that is JSON is stored as JSON, so the log reads like the wire; anything else as a string. */
    private static JsonNode embedded(String body) {
        if (body == null) {
            return MAPPER.nullNode();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.isContainerNode()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // not JSON, e.g. a front end's HTML error page: kept verbatim below
        }
        return MAPPER.getNodeFactory().textNode(body);
    }

    /** The task id comes from outside; it must not steer the file out of the directory. */
    private static String safeFileName(String taskId) {
        if (taskId == null || taskId.isBlank()) {
            return "unknown";
        }
        String safe = taskId.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > 100 ? safe.substring(0, 100) : safe;
    }
}
