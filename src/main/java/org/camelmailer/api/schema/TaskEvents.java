package org.camelmailer.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /message/{task_id}/events. */
@Schema(name = "TaskEvents", requiredProperties = {"task_id", "events"},
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record TaskEvents(
        @JsonProperty("task_id") String taskId,
        @ArraySchema(schema = @Schema(implementation = TaskEvent.class), arraySchema = @Schema(description = "oldest first"))
        List<TaskEvent> events) {
}
