package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** An address on the suppression list: no mail goes to it until an operator takes it off. */
@Schema(name = "Suppression", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"email\":\"gone@example.org\",\"reason\":\"550 5.1.1 <gone@example.org>: Recipient address "
                + "rejected: User unknown\",\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\","
                + "\"at\":\"2026-11-28T09:20:00Z\"}")
public record Suppression(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the bare address, in lower case")
        String email,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true,
                description = "the SMTP server's reply to RCPT TO, or \"added by an operator\"") String reason,
        @JsonProperty("task_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true,
                description = "the task whose delivery was refused; null when an operator added it") String taskId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, format = "date-time") String at) {
}
