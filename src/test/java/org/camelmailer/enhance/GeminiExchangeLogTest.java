package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeminiExchangeLogTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-11-28T04:46:37.123Z"), ZoneOffset.UTC);
    private static final String REQUEST = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Bonjour\"}]}]}";

    @TempDir
    Path dir;

    private final String okAnswer = GeminiFixtures.read("200-ok.json");

    @Test
    void should_write_every_field_with_json_bodies_embedded() throws Exception {
        Path file = new GeminiExchangeLog(dir, null, FROZEN)
                .record("task-1", 2, "gemini-2.5-flash", REQUEST, 200, okAnswer, 845, null);

        JsonNode entry = MAPPER.readTree(file.toFile());
        assertThat(entry.path("task_id").asText()).isEqualTo("task-1");
        assertThat(entry.path("attempt").asInt()).isEqualTo(2);
        assertThat(entry.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(entry.path("timestamp").asText()).isEqualTo("2026-11-28T04:46:37.123Z");
        assertThat(entry.path("duration_ms").asLong()).isEqualTo(845);
        assertThat(entry.at("/request/contents/0/parts/0/text").asText()).isEqualTo("Bonjour");
        assertThat(entry.path("status").asInt()).isEqualTo(200);
        assertThat(entry.at("/response/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(entry.path("error").isNull()).isTrue();
    }

    @Test
    void should_name_the_file_after_the_utc_time_and_task() {
        Path file = new GeminiExchangeLog(dir, null, FROZEN).record("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName()).hasToString("20261128T044637123Z-task-1.json");
    }

    @Test
    void should_be_pretty_printed() throws Exception {
        Path file = new GeminiExchangeLog(dir, null, FROZEN).record("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(Files.readAllLines(file)).hasSizeGreaterThan(10);
    }

    @Test
    void should_keep_a_non_json_answer_as_text() throws Exception {
        String page = "<html><title>Error 502</title></html>";

        Path file = new GeminiExchangeLog(dir, null, FROZEN).record("task-1", 1, "m", REQUEST, 502, page, 30, null);

        assertThat(MAPPER.readTree(file.toFile()).path("response").textValue()).isEqualTo(page);
    }

    @Test
    void should_record_a_call_that_got_no_answer() throws Exception {
        Path file = new GeminiExchangeLog(dir, null, FROZEN)
                .record("task-1", 1, "m", REQUEST, null, null, 30000, "SocketTimeoutException: Read timed out");

        JsonNode entry = MAPPER.readTree(file.toFile());
        assertThat(entry.path("status").isNull()).isTrue();
        assertThat(entry.path("response").isNull()).isTrue();
        assertThat(entry.path("error").asText()).isEqualTo("SocketTimeoutException: Read timed out");
    }

    @Test
    void should_not_overwrite_a_record_of_the_same_millisecond() throws Exception {
        GeminiExchangeLog log = new GeminiExchangeLog(dir, null, FROZEN);

        Path first = log.record("task-1", 1, "m", REQUEST, 503, "{\"n\":1}", 1, null);
        Path second = log.record("task-1", 1, "m", REQUEST, 503, "{\"n\":2}", 1, null);
        Path third = log.record("task-1", 1, "m", REQUEST, 503, "{\"n\":3}", 1, null);

        assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
        assertThat(MAPPER.readTree(first.toFile()).at("/response/n").asInt()).isEqualTo(1);
        assertThat(MAPPER.readTree(second.toFile()).at("/response/n").asInt()).isEqualTo(2);
        assertThat(MAPPER.readTree(third.toFile()).at("/response/n").asInt()).isEqualTo(3);
    }

    @Test
    void should_keep_every_record_written_by_concurrent_workers() throws Exception {
        GeminiExchangeLog log = new GeminiExchangeLog(dir, null, FROZEN);
        ExecutorService workers = Executors.newFixedThreadPool(8);
        List<Future<Path>> written = new ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                written.add(workers.submit(() -> log.record("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null)));
            }
            for (Future<Path> f : written) {
                f.get();
            }
        } finally {
            workers.shutdownNow();
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".json"))).hasSize(80);
        }
    }

    @Test
    void should_leave_no_temporary_file_behind() throws Exception {
        new GeminiExchangeLog(dir, null, FROZEN).record("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).singleElement().satisfies(p -> assertThat(p.toString()).endsWith("-task-1.json"));
        }
    }

    @Test
    void should_apply_the_redactor_to_the_file_text() throws Exception {
        UnaryOperator<String> redactor = text -> text.replace("AIzaSECRET", "[redacted]");

        Path file = new GeminiExchangeLog(dir, redactor)
                .record("task-1", 1, "m", "{\"leak\":\"AIzaSECRET\"}", 200, "AIzaSECRET echoed", 1, null);

        assertThat(Files.readString(file)).doesNotContain("AIzaSECRET").contains("[redacted]");
    }

    @Test
    void should_create_missing_directories() {
        Path nested = dir.resolve("logs/gemini");

        Path file = new GeminiExchangeLog(nested).record("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(file).exists().hasParent(nested);
    }

    @Test
    void should_keep_a_hostile_task_id_inside_the_directory() {
        Path file = new GeminiExchangeLog(dir, null, FROZEN).record("../../etc/x", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName()).hasToString("20261128T044637123Z-.._.._etc_x.json");
    }
}
