package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
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
        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, null, FROZEN)
                .entry("task-1", 2, "gemini-2.5-flash", REQUEST, 200, okAnswer, 845, null);

        JsonNode json = MAPPER.readTree(entry.text());
        assertThat(json.path("task_id").asText()).isEqualTo("task-1");
        assertThat(json.path("attempt").asInt()).isEqualTo(2);
        assertThat(json.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(json.path("timestamp").asText()).isEqualTo("2026-11-28T04:46:37.123Z");
        assertThat(json.path("duration_ms").asLong()).isEqualTo(845);
        assertThat(json.at("/request/contents/0/parts/0/text").asText()).isEqualTo("Bonjour");
        assertThat(json.path("status").asInt()).isEqualTo(200);
        assertThat(json.at("/response/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(json.path("error").isNull()).isTrue();
    }

    @Test
    void should_name_the_file_after_the_utc_time_and_task_in_the_folder_of_its_utc_day() {
        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, null, FROZEN).entry("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(entry.fileName()).isEqualTo("2026-11-28/20261128T044637123Z-task-1.json");
    }

    @Test
    void should_take_the_day_in_utc_not_in_local_time() {
        Clock lateEvening = Clock.fixed(Instant.parse("2026-11-28T23:59:59.999Z"), ZoneOffset.ofHours(2));
        Clock midnight = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.ofHours(-5));

        assertThat(new GeminiExchangeLog(dir, null, lateEvening).entry("t", 1, "m", REQUEST, 200, okAnswer, 1, null).fileName())
                .isEqualTo("2026-11-28/20261128T235959999Z-t.json");
        assertThat(new GeminiExchangeLog(dir, null, midnight).entry("t", 1, "m", REQUEST, 200, okAnswer, 1, null).fileName())
                .isEqualTo("2026-11-29/20261129T000000000Z-t.json");
    }

    @Test
    void should_be_pretty_printed() {
        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, null, FROZEN).entry("task-1", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(entry.text().lines()).hasSizeGreaterThan(10);
        assertThat(entry.text()).endsWith("}\n");
    }

    @Test
    void should_keep_a_non_json_answer_as_text() throws Exception {
        String page = "<html><title>Error 502</title></html>";

        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, null, FROZEN).entry("task-1", 1, "m", REQUEST, 502, page, 30, null);

        assertThat(MAPPER.readTree(entry.text()).path("response").textValue()).isEqualTo(page);
    }

    @Test
    void should_record_a_call_that_got_no_answer() throws Exception {
        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, null, FROZEN)
                .entry("task-1", 1, "m", REQUEST, null, null, 30000, "SocketTimeoutException: Read timed out");

        JsonNode json = MAPPER.readTree(entry.text());
        assertThat(json.path("status").isNull()).isTrue();
        assertThat(json.path("response").isNull()).isTrue();
        assertThat(json.path("error").asText()).isEqualTo("SocketTimeoutException: Read timed out");
    }

    @Test
    void should_not_name_a_file_that_is_already_there() throws Exception {
        GeminiExchangeLog log = new GeminiExchangeLog(dir, null, FROZEN);

        String first = write(log.entry("task-1", 1, "m", REQUEST, 503, "{\"n\":1}", 1, null));
        String second = write(log.entry("task-1", 2, "m", REQUEST, 503, "{\"n\":2}", 1, null));
        String third = write(log.entry("task-1", 2, "m", REQUEST, 503, "{\"n\":3}", 1, null));

        assertThat(List.of(first, second, third)).containsExactly("2026-11-28/20261128T044637123Z-task-1.json",
                "2026-11-28/20261128T044637123Z-task-1-2.json", "2026-11-28/20261128T044637123Z-task-1-2-2.json");
    }

    @Test
    void should_apply_the_redactor_to_the_file_text() {
        UnaryOperator<String> redactor = text -> text.replace("AIzaSECRET", "[redacted]");

        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, redactor)
                .entry("task-1", 1, "m", "{\"leak\":\"AIzaSECRET\"}", 200, "AIzaSECRET echoed", 1, null);

        assertThat(entry.text()).doesNotContain("AIzaSECRET").contains("[redacted]");
    }

    @Test
    void should_keep_a_hostile_task_id_inside_the_directory() {
        GeminiExchangeLog.Entry entry = new GeminiExchangeLog(dir, null, FROZEN).entry("../../etc/x", 1, "m", REQUEST, 200, okAnswer, 1, null);

        assertThat(entry.fileName()).isEqualTo("2026-11-28/20261128T044637123Z-.._.._etc_x.json");
        assertThat(dir.resolve(entry.fileName()).normalize().getParent()).isEqualTo(dir.resolve("2026-11-28"));
    }

    private String write(GeminiExchangeLog.Entry entry) throws Exception {
        Files.createDirectories(dir.resolve(entry.fileName()).getParent());
        Files.writeString(dir.resolve(entry.fileName()), entry.text());
        return entry.fileName();
    }
}
