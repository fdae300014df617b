package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One event of a task's history; besides these fields, what explains it (error, next_attempt_at, message_id, reason,
 * send_at).
 */
@Schema(name = "TaskEvent", requiredProperties = {"event", "at", "attempt", "sequence"},
        additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
        example = "{\"event\":\"retrying\",\"at\":\"2026-12-01T06:00:01Z\",\"attempt\":1,\"sequence\":3,"
                + "\"error\":\"451 4.3.0 try again later\",\"next_attempt_at\":\"2026-12-01T06:00:06Z\"}")
public record TaskEvent(
        @Schema(allowableValues = {"queued", "processing", "enhanced", "enhance_fallback", "retrying", "sent", "failed",
                "dead_lettered", "redriven", "suppressed", "scheduled", "cancelled"}) String event,
        @Schema(format = "date-time") String at,
        @Schema(minimum = "0") int attempt,
        @Schema(minimum = "1", description = "the event's number in its task, in order") int sequence) {
}
