package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A webhook given up on (its data is not shown). */
@Schema(name = "WebhookDeadLetter", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record WebhookDeadLetter(
        @JsonProperty("webhook_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true,
                example = "msg_2f0c6b1d9a3e4c55b7d8e9f0a1b2c3d4") String webhookId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "message.sent") String type,
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String taskId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, minimum = "0",
                description = "the receiver: its index in MAILER_WEBHOOK_URL (from 0)") Integer url,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, minimum = "1") Integer attempts,
        @JsonProperty("failed_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
        String failedAt,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "HTTP 503; older than MAILER_WEBHOOK_MAX_AGE (86400 s)")
        String error) {
}
