package org.camelmailer.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /admin/dead-letters: newest first. */
@Schema(requiredProperties = {"status", "count", "dead_letters"}, name = "DeadLetters", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"status\":\"ok\",\"count\":1,\"dead_letters\":[{\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\","
                + "\"failed_at\":\"2026-11-28T09:20:00Z\",\"error\":\"550 5.1.1 mailbox unavailable\",\"queue\":\"mailer:queue\"}]}")
public record DeadLetters(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "ok") String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") int count,
        @JsonProperty("dead_letters") @ArraySchema(schema = @Schema(implementation = DeadLetter.class)) List<DeadLetter> deadLetters) {
}
