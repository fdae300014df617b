package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** POST /admin/dead-letters[/{task_id}]/redrive: the tasks put back on their queue, status queued again. */
@Schema(requiredProperties = {"status", "redriven"}, name = "Redriven", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"status\":\"ok\",\"redriven\":[\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\"]}")
public record Redriven(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "ok") String status,
        List<String> redriven) {
}
