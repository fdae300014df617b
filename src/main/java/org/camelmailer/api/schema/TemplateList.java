package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /templates. */
@Schema(requiredProperties = {"templates"}, name = "TemplateList", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"templates\":[{\"name\":\"welcome\",\"parts\":[\"subject\",\"text\",\"html\"],\"variables\":[\"name\"]}]}")
public record TemplateList(
        @ArraySchema(schema = @Schema(implementation = TemplateInfo.class)) List<TemplateInfo> templates) {
}
