package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GeminiRequestBuilderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final GeminiRequestBuilder builder = new GeminiRequestBuilder(0.2, 4096);

    @Test
    void should_carry_the_text_unchanged_through_json_escaping() throws Exception {
        String text = "Bonjour « Zoé »,\n\nLe budget est \"validé\" à 100 %\\ — voir </script>\t{fin}\r\nAlice ✓";

        JsonNode request = MAPPER.readTree(builder.build(text));

        assertThat(request.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(request.at("/contents/0/parts/0/text").asText()).isEqualTo(text);
    }

    @Test
    void should_ask_for_plain_text_with_the_configured_limits() throws Exception {
        JsonNode config = MAPPER.readTree(new GeminiRequestBuilder(0.7, 1234).build("x")).path("generationConfig");

        assertThat(config.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(config.path("maxOutputTokens").asInt()).isEqualTo(1234);
        assertThat(config.path("responseMimeType").asText()).isEqualTo("text/plain");
    }

    @Test
    void should_instruct_an_html_fragment_in_the_original_language_without_invention() throws Exception {
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
        assertThatThrownBy(() -> new GeminiRequestBuilder(2.5, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeminiRequestBuilder(Double.NaN, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeminiRequestBuilder(0.2, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
