package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.time.Duration;
import org.camelmailer.enhance.GeminiOutcome.Fallback;
import org.camelmailer.enhance.GeminiOutcome.Html;
import org.camelmailer.enhance.GeminiOutcome.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class GeminiReplyTest {

    private static final String DAILY_QUOTA_ID = "GenerateRequestsPerDayPerProjectPerModel-FreeTier";

    @Test
    void should_return_the_html_of_a_200_answer() {
        GeminiOutcome outcome = GeminiReply.interpret(200, GeminiFixtures.read("200-ok.json"));

        assertThat(outcome).isInstanceOf(Html.class);
        assertThat(((Html) outcome).html()).startsWith("<p>Bonjour,</p>").contains("<li>budget validé</li>");
    }

    @Test
    void should_skip_thought_parts() {
        String body = """
                {"candidates":[{"content":{"role":"model","parts":[
                  {"text":"The user wants a list, so I will use ul.","thought":true},
                  {"text":"<p>Bonjour</p>"},
                  {"text":"<p>Alice</p>","thought":false}
                ]},"finishReason":"STOP"}]}""";

        assertThat(GeminiReply.interpret(200, body)).isEqualTo(new Html("<p>Bonjour</p><p>Alice</p>"));
    }

    @Test
    void should_fall_back_when_only_thought_parts_came_back() {
        String body = """
                {"candidates":[{"content":{"parts":[{"text":"thinking...","thought":true}]},"finishReason":"STOP"}]}""";

        assertThat(GeminiReply.interpret(200, body))
                .isEqualTo(new Fallback("gemini: empty answer (finishReason STOP)", false));
    }

    @Test
    void should_fall_back_when_the_prompt_is_blocked() {
        assertThat(GeminiReply.interpret(200, GeminiFixtures.read("200-prompt-blocked.json")))
                .isEqualTo(new Fallback("gemini: prompt blocked (SAFETY)", false));
    }

    @Test
    void should_fall_back_naming_safety_when_the_answer_is_blocked() {
        assertThat(GeminiReply.interpret(200, GeminiFixtures.read("200-safety-blocked.json")))
                .isEqualTo(new Fallback("gemini: empty answer (finishReason SAFETY)", false));
    }

    @Test
    void should_fall_back_naming_max_tokens_when_content_has_no_parts() {
        assertThat(GeminiReply.interpret(200, GeminiFixtures.read("200-max-tokens-empty.json")))
                .isEqualTo(new Fallback("gemini: empty answer (finishReason MAX_TOKENS)", false));
    }

    @Test
    void should_fall_back_when_the_answer_was_cut_off() {
        String body = """
                {"candidates":[{"content":{"parts":[{"text":"<p>Bonjour,</p><ul><li>budget"}]},"finishReason":"MAX_TOKENS"}]}""";

        assertThat(GeminiReply.interpret(200, body))
                .isEqualTo(new Fallback("gemini: incomplete answer (finishReason MAX_TOKENS)", false));
    }

    @Test
    void should_fall_back_without_retry_when_the_daily_quota_is_exhausted() {
        assertThat(GeminiReply.interpret(429, GeminiFixtures.read("429-resource-exhausted.json")))
                .isEqualTo(new Fallback("gemini: daily quota exhausted (" + DAILY_QUOTA_ID + ")", false));
    }

    @Test
    void should_retry_a_per_minute_429_after_its_retry_delay() {
        String perMinute = GeminiFixtures.read("429-resource-exhausted.json")
                .replace(DAILY_QUOTA_ID, "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");

        GeminiOutcome outcome = GeminiReply.interpret(429, perMinute);

        assertThat(outcome).isInstanceOf(Retry.class);
        assertThat(((Retry) outcome).retryAfter()).isEqualTo(Duration.ofSeconds(22));
        assertThat(((Retry) outcome).reason()).startsWith("gemini: HTTP 429 RESOURCE_EXHAUSTED");
    }

    @Test
    void should_read_a_fractional_retry_delay() {
        String body = """
                {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
                  {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}""";

        assertThat(((Retry) GeminiReply.interpret(429, body)).retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void should_ignore_an_unreadable_retry_delay() {
        String body = """
                {"error":{"code":429,"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"soon"}]}}""";

        assertThat(GeminiReply.interpret(429, body)).isEqualTo(new Retry("gemini: HTTP 429", null));
    }

    @ParameterizedTest
    @CsvSource({
            "500, 500-internal.json, gemini: HTTP 500 INTERNAL",
            "503, 503-unavailable.json, gemini: HTTP 503 UNAVAILABLE",
            "504, 504-deadline-exceeded.json, gemini: HTTP 504 DEADLINE_EXCEEDED"})
    void should_retry_server_errors(int status, String file, String reasonStart) {
        GeminiOutcome outcome = GeminiReply.interpret(status, GeminiFixtures.read(file));

        assertThat(outcome).isInstanceOf(Retry.class);
        assertThat(((Retry) outcome).reason()).startsWith(reasonStart);
        assertThat(((Retry) outcome).retryAfter()).isNull();
    }

    @Test
    void should_report_an_invalid_key_as_a_configuration_error() {
        assertThat(GeminiReply.interpret(400, GeminiFixtures.read("400-api-key-invalid.json"))).isEqualTo(new Fallback(
                "gemini: HTTP 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.", true));
    }

    @Test
    void should_report_an_unknown_model_as_a_configuration_error() {
        GeminiOutcome outcome = GeminiReply.interpret(404, GeminiFixtures.read("404-model-not-found.json"));

        assertThat(outcome).isInstanceOf(Fallback.class);
        assertThat(((Fallback) outcome).configurationError()).isTrue();
        assertThat(((Fallback) outcome).reason())
                .startsWith("gemini: HTTP 404 NOT_FOUND: models/gemini-2.0-pro is not found");
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void should_report_refused_credentials_as_a_configuration_error(int status) {
        assertThat(GeminiReply.interpret(status, "")).isEqualTo(new Fallback("gemini: HTTP " + status, true));
    }

    @Test
    void should_retry_a_502_whose_body_is_an_html_page() {
        String googleFrontEndPage = "<!DOCTYPE html>\n<html lang=en><title>Error 502 (Server Error)!!1</title>"
                + "<p><b>502.</b> <ins>That's an error.</ins></html>";

        assertThat(GeminiReply.interpret(502, googleFrontEndPage)).isEqualTo(new Retry("gemini: HTTP 502", null));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"not json", "{\"candidates\": [", "[1, 2]"})
    void should_fall_back_on_a_200_with_an_unusable_body(String body) {
        GeminiOutcome outcome = GeminiReply.interpret(200, body);

        assertThat(outcome).isInstanceOf(Fallback.class);
        assertThat(((Fallback) outcome).configurationError()).isFalse();
    }

    @Test
    void should_retry_on_status_alone_when_an_error_body_is_missing() {
        assertThat(GeminiReply.interpret(503, null)).isEqualTo(new Retry("gemini: HTTP 503", null));
    }

    @Test
    void should_fall_back_on_other_client_errors_without_blaming_configuration() {
        assertThat(GeminiReply.interpret(409, "{}")).isEqualTo(new Fallback("gemini: HTTP 409", false));
    }

    @Test
    void should_retry_other_server_errors() {
        assertThat(GeminiReply.interpret(507, "{}")).isEqualTo(new Retry("gemini: HTTP 507", null));
    }

    @Test
    void should_keep_reasons_on_one_short_line() {
        String longMessage = ("line one\r\nline two\t" + "x".repeat(50)).repeat(20);
        String body = "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"message\":\"" + longMessage
                .replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\"}}";

        String reason = ((Fallback) GeminiReply.interpret(400, body)).reason();

        assertThat(reason).doesNotContain("\n", "\r", "\t").hasSizeLessThanOrEqualTo(300)
                .startsWith("gemini: HTTP 400 INVALID_ARGUMENT: line one line two");
    }

    @Test
    void should_retry_after_a_network_failure() {
        assertThat(GeminiReply.networkFailure(new SocketTimeoutException("Read timed out")))
                .isEqualTo(new Retry("gemini: SocketTimeoutException: Read timed out", null));
    }

    @Test
    void should_name_a_network_failure_without_message_by_its_class() {
        assertThat(GeminiReply.networkFailure(new java.net.ConnectException()))
                .isEqualTo(new Retry("gemini: ConnectException", null));
    }
}
