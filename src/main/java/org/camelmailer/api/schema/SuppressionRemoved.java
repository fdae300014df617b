package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** DELETE /admin/suppressions/{email}: the address taken off the list. */
@Schema(requiredProperties = {"email", "status"}, name = "SuppressionRemoved",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"email\":\"gone@example.org\",\"status\":\"removed\"}")
public record SuppressionRemoved(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String email,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "removed") String status) {
}
