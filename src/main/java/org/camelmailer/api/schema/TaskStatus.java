package org.camelmailer.api.schema;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /message/{task_id}: the task's record while MAILER_STATUS_TTL keeps it. */
@Schema(name = "TaskStatus", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\",\"status\":\"sent\",\"subject\":\"Bienvenue\","
                + "\"attempts\":1,"
                + "\"enhanced\":false,\"created_at\":\"2026-11-28T09:12:03.512Z\",\"updated_at\":\"2026-11-28T09:12:04.087Z\","
                + "\"error\":null}")
public record TaskStatus(
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String taskId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                allowableValues = {"scheduled", "queued", "processing", "retrying", "sent", "failed", "cancelled"})
        String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true,
                description = "the mail's subject (sujet, or the template's): read from the queue entry the record "
                        + "keeps until a worker settles the task, then recorded by it; null only for a record an older "
                        + "version wrote")
        String subject,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0",
                description = "delivery attempts so far") int attempts,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "true when Gemini's HTML was sent") boolean enhanced,
        @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
        String createdAt,
        @JsonProperty("updated_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
        String updatedAt,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true,
                description = "why the last attempt failed, or why a mail went out as plain text; null otherwise")
        String error,
        @Schema(minimum = "1", description = "how many addresses the mail goes to (to, cc and bcc)") Integer recipients,
        @ArraySchema(maxItems = 10, schema = @Schema(description = "a tag given with the message")) List<String> tags,
        @Schema(description = "the metadata given with the message") Map<String, String> metadata,
        @JsonProperty("send_at") @Schema(format = "date-time",
                description = "when it is to be sent (UTC), for a task given a send_at") String sendAt) {
}
