package org.camelmailer.enhance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** Enhance step, audit: keeps every Gemini request and answer as one JSON file, so a bad mail can be traced to its call. */
public final class GeminiExchangeLog {

    private static final DateTimeFormatter FILE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Shared by all instances: two logs on the same directory must not pick the same free name either.
    private static final Object NAMING_LOCK = new Object();

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

    /**
     * Writes one attempt's file and returns its path.
     *
     * @param httpStatus null when no answer came back
     * @param error      null unless the call failed without an answer (timeout, connection refused)
     * @throws UncheckedIOException when the directory or file cannot be written
     */
    public Path record(String taskId, int attempt, String model, String requestBody, Integer httpStatus,
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
        try {
            String text = redactor.apply(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(entry) + "\n");
            return write(FILE_STAMP.format(now) + "-" + safeFileName(taskId), attempt, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Gemini exchange log in " + dir, e);
        }
    }

    // Written beside its final name, then renamed: a reader never sees half a file.
    private Path write(String baseName, int attempt, String text) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".gemini-", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            synchronized (NAMING_LOCK) {
                Path target = freeName(baseName, attempt);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The first of name.json, name-attempt.json, name-attempt-2.json, … that is not taken. */
    private Path freeName(String baseName, int attempt) {
        Path candidate = dir.resolve(baseName + ".json");
        for (int counter = 1; Files.exists(candidate); counter++) {
            String suffix = counter == 1 ? "-" + attempt : "-" + attempt + "-" + counter;
            candidate = dir.resolve(baseName + suffix + ".json");
        }
        return candidate;
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
