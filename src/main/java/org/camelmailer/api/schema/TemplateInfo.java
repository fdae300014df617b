package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** One template under templates/. */
@Schema(requiredProperties = {"name", "parts", "variables"}, name = "Template", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record TemplateInfo(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the folder's name, as a message's template")
        String name,
        @ArraySchema(schema = @Schema(allowableValues = {"subject", "text", "html"})) List<String> parts,
        @Schema(description = "the variables the template uses") List<String> variables) {
}
