package org.camelmailer.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /messages. */
@Schema(name = "MessageList", requiredProperties = {"messages", "next_cursor"},
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record MessageList(
        @ArraySchema(schema = @Schema(implementation = TaskStatus.class), arraySchema = @Schema(description = "newest first"))
        List<TaskStatus> messages,
        @JsonProperty("next_cursor") @Schema(nullable = true, description = "give it as cursor for the next page; null: no more")
        String nextCursor) {
}
