package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The queues' depths (GET /admin/overview), read from their Redis keys. */
@Schema(requiredProperties = {"plain", "enhance", "scheduled", "delayed", "inflight", "dead", "webhooks"},
        name = "QueueDepths", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record QueueDepths(
        @Schema(minimum = "0", description = "ready on mailer:queue") long plain,
        @Schema(minimum = "0", description = "ready on mailer:queue:enhance") long enhance,
        @Schema(minimum = "0", description = "tasks whose status is scheduled (created within MAILER_STATUS_TTL)")
        long scheduled,
        @Schema(minimum = "0", description = "entries waiting for their time: retries and scheduled tasks") long delayed,
        @Schema(minimum = "0", description = "tasks held by workers") long inflight,
        @Schema(minimum = "0", description = "dead letters (mailer:dead)") long dead,
        @Schema(minimum = "0", description = "webhook jobs waiting, ready or for a retry") long webhooks) {
}
