package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** 200 to a batch: one result per message, in the request's order. */
@Schema(requiredProperties = {"status", "results"}, name = "BatchAnswer", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"status\":\"ok\",\"results\":[{\"index\":0,\"status\":\"queued\","
                + "\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\"},{\"index\":1,\"status\":\"error\",\"code\":400,"
                + "\"message\":\"Le champ 'sujet' est requis.\"}]}")
public record BatchAnswer(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "ok") String status,
        @ArraySchema(schema = @Schema(implementation = BatchResult.class)) List<BatchResult> results) {
}
