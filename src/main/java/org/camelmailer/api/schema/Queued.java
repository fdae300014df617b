package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** 202: the task is in Redis; its id is what GET /message/{task_id} takes. */
@Schema(name = "Queued", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"status\":\"queued\",\"message\":\"La demande d'envoi d'email a été mise en file d'attente.\","
                + "\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\"}")
public record Queued(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"queued", "scheduled"},
                description = "scheduled: with a send_at to come") String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String message,
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uuid") String taskId,
        @JsonProperty("send_at") @Schema(format = "date-time", description = "when scheduled: the send time, in UTC")
        String sendAt) {
}
