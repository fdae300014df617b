package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** Webhook attempts by outcome. */
@Schema(requiredProperties = {"delivered", "retried", "dead_lettered"}, name = "WebhookOutcomes")
public record WebhookOutcomes(
        @Schema(minimum = "0") long delivered,
        @Schema(minimum = "0") long retried,
        @JsonProperty("dead_lettered") @Schema(minimum = "0") long deadLettered) {
}
