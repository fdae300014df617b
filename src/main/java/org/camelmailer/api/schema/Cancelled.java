package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** DELETE /message/{task_id}: the task will not be sent. */
@Schema(name = "Cancelled", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\",\"status\":\"cancelled\"}")
public record Cancelled(
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uuid") String taskId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "cancelled") String status) {
}
