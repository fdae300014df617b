package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** PATCH /message/{task_id}: the task's new send time; queued when that is now or past. */
@Schema(name = "Rescheduled", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\",\"status\":\"scheduled\","
                + "\"send_at\":\"2026-12-24T07:00:00Z\"}")
public record Rescheduled(
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uuid") String taskId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"scheduled", "queued"}) String status,
        @JsonProperty("send_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time",
                description = "the new send time, in UTC (now, when the time asked for was past)") String sendAt) {
}
