package org.camelmailer.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /admin/webhooks/dead-letters: newest first. */
@Schema(requiredProperties = {"status", "count", "dead_letters"}, name = "WebhookDeadLetters",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record WebhookDeadLetters(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "ok") String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") int count,
        @JsonProperty("dead_letters") @ArraySchema(schema = @Schema(implementation = WebhookDeadLetter.class))
        List<WebhookDeadLetter> deadLetters) {
}
