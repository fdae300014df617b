package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** Gemini attempts by outcome: HTML kept, tried again, or the plain text sent instead. */
@Schema(requiredProperties = {"html", "retry", "fallback"}, name = "GeminiOutcomes")
public record GeminiOutcomes(
        @Schema(minimum = "0") long html,
        @Schema(minimum = "0") long retry,
        @Schema(minimum = "0") long fallback) {
}
