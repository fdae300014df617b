package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A task that failed for good (its content is not shown). */
@Schema(name = "DeadLetter", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record DeadLetter(
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String taskId,
        @JsonProperty("failed_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
        String failedAt,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String error,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "the queue a re-drive puts the task back on", example = "mailer:queue") String queue) {
}
