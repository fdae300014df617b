package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeminiRequestBuilderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The prompt the project ships, as the service reads it from its working directory. */
    private static final String SHIPPED_PROMPT = GeminiRequestBuilder.readInstruction(Path.of("prompts/enhance.txt"));

    @TempDir
    Path dir;

    private final GeminiRequestBuilder builder = new GeminiRequestBuilder(SHIPPED_PROMPT, 0.2, 4096);

    @Test
    void should_carry_the_text_unchanged_through_json_escaping() throws Exception {
        String text = "Bonjour « Zoé »,\n\nLe budget est \"validé\" à 100 %\\ — voir </script>\t{fin}\r\nAlice ✓";

        JsonNode request = MAPPER.readTree(builder.build(text));

        assertThat(request.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(request.at("/contents/0/parts/0/text").asText()).isEqualTo(text);
    }

    @Test
    void should_ask_for_plain_text_with_the_configured_limits() throws Exception {
        JsonNode config = MAPPER.readTree(new GeminiRequestBuilder("Format it.", 0.7, 1234).build("x")).path("generationConfig");

        assertThat(config.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(config.path("maxOutputTokens").asInt()).isEqualTo(1234);
        assertThat(config.path("responseMimeType").asText()).isEqualTo("text/plain");
    }

    @Test
    void should_send_the_prompt_it_was_given_as_the_system_instruction() throws Exception {
        JsonNode request = MAPPER.readTree(new GeminiRequestBuilder("  Écris en français, ton « Maison ».\n", 0.2, 10)
                .build("x"));

        assertThat(request.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Écris en français, ton « Maison ».");
    }

    @Test
    void should_ship_a_prompt_that_asks_for_an_html_fragment_in_the_original_language_without_invention()
            throws Exception {
        String instruction = MAPPER.readTree(builder.build("x")).at("/systemInstruction/parts/0/text").asText();

        assertThat(instruction).contains("HTML fragment only", "no <html>", "no markdown fences",
                "invent no content", "original language");
    }

    @Test
    void should_have_the_shape_of_the_recorded_request() throws Exception {
        JsonNode recorded = MAPPER.readTree(GeminiFixtures.read("request.json"));
        String text = recorded.at("/contents/0/parts/0/text").asText();

        JsonNode built = MAPPER.readTree(builder.build(text));

        assertThat(built.fieldNames()).toIterable().containsExactlyElementsOf(recorded::fieldNames);
        assertThat(built.path("generationConfig")).isEqualTo(recorded.path("generationConfig"));
        assertThat(built.path("contents")).isEqualTo(recorded.path("contents"));
    }

    @Test
    void should_reject_settings_gemini_would_refuse() {
        assertThatThrownBy(() -> new GeminiRequestBuilder("p", 2.5, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeminiRequestBuilder("p", Double.NaN, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeminiRequestBuilder("p", 0.2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeminiRequestBuilder(" \n", 0.2, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_read_the_prompt_file_as_utf8_without_surrounding_blank_lines() throws Exception {
        Path file = dir.resolve("enhance.txt");
        Files.writeString(file, "\nRéponds en HTML.\nTon : sobre.\n\n", StandardCharsets.UTF_8);

        assertThat(GeminiRequestBuilder.readInstruction(file)).isEqualTo("Réponds en HTML.\nTon : sobre.");
    }

    @Test
    void should_name_a_missing_prompt_file_by_its_full_path() {
        Path missing = dir.resolve("prompts/enhance.txt");

        assertThatThrownBy(() -> GeminiRequestBuilder.readInstruction(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no such file (looked for " + missing.toAbsolutePath() + ")");
    }

    @Test
    void should_refuse_an_empty_prompt_file() throws Exception {
        Path file = Files.writeString(dir.resolve("enhance.txt"), " \n\t\n");

        assertThatThrownBy(() -> GeminiRequestBuilder.readInstruction(file))
                .hasMessageStartingWith("is empty (" + file.toAbsolutePath() + ")");
    }

    @Test
    void should_refuse_a_folder_or_text_that_is_not_utf8() throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "réponds".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> GeminiRequestBuilder.readInstruction(dir)).hasMessageStartingWith("is not a readable file");
        assertThatThrownBy(() -> GeminiRequestBuilder.readInstruction(latin1)).hasMessageStartingWith("is not UTF-8 text");
    }
}
