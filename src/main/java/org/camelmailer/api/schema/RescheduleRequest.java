package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** PATCH /message/{task_id}: the new send time, the one field a waiting task may change. */
@Schema(name = "RescheduleRequest", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"send_at\":\"2026-12-24T08:00:00+01:00\"}")
public record RescheduleRequest(
        @JsonProperty("send_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) SendAt sendAt) {
}
