package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /admin/suppressions: sorted by address. */
@Schema(requiredProperties = {"suppressions"}, name = "Suppressions",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record Suppressions(
        @ArraySchema(schema = @Schema(implementation = Suppression.class)) List<Suppression> suppressions) {
}
