package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** POST /admin/suppressions: the address to put on the list. */
@Schema(requiredProperties = {"email"}, name = "SuppressionRequest",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"email\":\"gone@example.org\"}")
public record SuppressionRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "one address, bare or with a name (compared by its address, without case)") String email) {
}
