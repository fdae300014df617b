package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /admin/overview: what the dashboard's first panel shows. */
@Schema(requiredProperties = {"status", "at", "queues", "per_minute", "gemini", "webhooks"}, name = "Overview",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record Overview(
        @Schema(allowableValues = "ok") String status,
        @Schema(format = "date-time", description = "when the numbers were read") String at,
        QueueDepths queues,
        @JsonProperty("per_minute") PerMinute perMinute,
        @Schema(description = "Gemini attempts by outcome, counted by this process since it started "
                + "(mailer_gemini_calls_total)") GeminiOutcomes gemini,
        @Schema(description = "webhook attempts by outcome, counted by this process since it started "
                + "(mailer_webhooks_deliveries_total)") WebhookOutcomes webhooks) {
}
