package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** One message of a batch: queued with its task id, or refused with the code and message POST /message would give. */
@Schema(name = "BatchResult", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record BatchResult(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0",
                description = "the message's position in the request") int index,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"queued", "scheduled", "error"}) String status,
        @JsonProperty("task_id") @Schema(description = "when queued or scheduled", format = "uuid") String taskId,
        @JsonProperty("send_at") @Schema(description = "when scheduled: the send time, in UTC", format = "date-time")
        String sendAt,
        @Schema(description = "when refused: the HTTP status POST /message would have answered", minimum = "400",
                maximum = "599") Integer code,
        @Schema(description = "when refused: why") String message) {
}
