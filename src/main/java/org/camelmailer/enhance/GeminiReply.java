package org.camelmailer.enhance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Enhance step, inbound: reads one Gemini generateContent answer (status and body) into a {@link GeminiOutcome}. */
public final class GeminiReply {

    // The statuses the official Gemini SDKs retry; everything else will not get better by asking again.
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);
    // A wrong key is 400 INVALID_ARGUMENT and a retired model is 404: an operator has to act.
    private static final Set<Integer> CONFIGURATION = Set.of(400, 401, 403, 404);

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private GeminiReply() {
    }

    /** Never throws: a missing or non-JSON body (a Google front end's HTML 502 page) is judged on the status alone. */
    public static GeminiOutcome interpret(int httpStatus, String body) {
        JsonNode root = parse(body);
        if (httpStatus == 200) {
            return fromAnswer(root);
        }
        GoogleError error = GoogleError.from(httpStatus, root);
        if (httpStatus == 429 && error.dailyQuotaId() != null) {
            // a per-day quota resets at midnight Pacific time; retrying for minutes only delays the mail
            return new GeminiOutcome.Fallback(Reasons.oneLine("gemini: daily quota exhausted (" + error.dailyQuotaId() + ")"), false);
        }
        if (RETRYABLE.contains(httpStatus) || (httpStatus >= 500 && httpStatus <= 599)) {
            return new GeminiOutcome.Retry(error.describe(), error.retryDelay());
        }
        return new GeminiOutcome.Fallback(error.describe(), CONFIGURATION.contains(httpStatus));
    }

    /** A call that got no HTTP answer at all (timeout, refused connection, reset): worth another attempt. */
    public static GeminiOutcome networkFailure(Throwable t) {
        if (t == null) {
            return new GeminiOutcome.Retry("gemini: unknown network failure", null);
        }
        String name = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
        String message = t.getMessage();
        String reason = "gemini: " + name + (message == null || message.isBlank() ? "" : ": " + message);
        return new GeminiOutcome.Retry(Reasons.oneLine(reason), null);
    }

    private static GeminiOutcome fromAnswer(JsonNode root) {
        if (!root.isObject()) {
            return new GeminiOutcome.Fallback("gemini: HTTP 200 with an unreadable body", false);
        }
        JsonNode candidate = root.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            String blockReason = root.path("promptFeedback").path("blockReason").asText("");
            return new GeminiOutcome.Fallback(Reasons.oneLine(blockReason.isEmpty()
                    ? "gemini: no candidates in the answer"
                    : "gemini: prompt blocked (" + blockReason + ")"), false);
        }
        String finishReason = candidate.path("finishReason").asText("");
        String text = visibleText(candidate.path("content").path("parts"));
        if (text.isBlank()) {
            // SAFETY answers have no content, MAX_TOKENS ones may have content without parts (thinking used the budget)
            return new GeminiOutcome.Fallback(
                    Reasons.oneLine("gemini: empty answer (finishReason " + orNone(finishReason) + ")"), false);
        }
        if (!finishReason.isEmpty() && !"STOP".equals(finishReason)) {
            // a cut-off or filtered answer would silently drop the end of the sender's message
            return new GeminiOutcome.Fallback(
                    Reasons.oneLine("gemini: incomplete answer (finishReason " + finishReason + ")"), false);
        }
        return new GeminiOutcome.Html(text);
    }

    /** The answer text, without the model's "thought" parts, which are reasoning and not meant for the reader. */
    private static String visibleText(JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if (!part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "none" : value;
    }

    /** The google.rpc.Status inside an error answer, and the two details the worker acts on. */
    private record GoogleError(int httpStatus, String status, String message, JsonNode details) {

        private static final Pattern PROTO_DURATION = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)s");

        static GoogleError from(int httpStatus, JsonNode root) {
            // some Google front ends wrap the error in a one-element array
            JsonNode error = (root.isArray() ? root.path(0) : root).path("error");
            return new GoogleError(httpStatus, error.path("status").asText(""),
                    error.path("message").asText(""), error.path("details"));
        }

        String describe() {
            StringBuilder reason = new StringBuilder("gemini: HTTP ").append(httpStatus);
            if (!status.isEmpty()) {
                reason.append(' ').append(status);
            }
            if (!message.isEmpty()) {
                reason.append(": ").append(message);
            }
            return Reasons.oneLine(reason.toString());
        }

        /** RetryInfo.retryDelay, a protobuf Duration written as "22s" or "1.5s"; null when absent or unreadable. */
        Duration retryDelay() {
            for (JsonNode detail : details) {
                if (isType(detail, "google.rpc.RetryInfo")) {
                    Matcher m = PROTO_DURATION.matcher(detail.path("retryDelay").asText("").strip());
                    if (m.matches()) {
                        return Duration.ofNanos(new BigDecimal(m.group(1)).movePointRight(9).longValueExact());
                    }
                }
            }
            return null;
        }

        /** The quotaId of a violated per-day quota, or null when every violated quota clears within minutes. */
        String dailyQuotaId() {
            for (JsonNode detail : details) {
                if (isType(detail, "google.rpc.QuotaFailure")) {
                    for (JsonNode violation : detail.path("violations")) {
                        String quotaId = violation.path("quotaId").asText("");
                        if (quotaId.contains("PerDay")) {
                            return quotaId;
                        }
                    }
                }
            }
            return null;
        }

        private static boolean isType(JsonNode detail, String typeSuffix) {
            return detail.path("@type").asText("").endsWith(typeSuffix);
        }
    }
}
