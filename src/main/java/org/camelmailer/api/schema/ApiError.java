package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** Every refusal and failure: 4xx and 5xx, from the routes and from the HTTP edge alike. */
@Schema(name = "Error", description = "A refusal or a failure; the message (in French) says what is wrong, naming the field.",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"status\":\"error\",\"message\":\"Le champ 'message' est requis.\"}")
public record ApiError(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "error") String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String message) {
}
