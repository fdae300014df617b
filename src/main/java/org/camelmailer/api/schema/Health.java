package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** GET /: the Flask service's liveness answer. */
@Schema(name = "Health", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"status\":\"ok\",\"message\":\"Mailing service is running\"}")
public record Health(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "ok") String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String message) {
}
