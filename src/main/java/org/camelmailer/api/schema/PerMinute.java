package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The last hour, a count per minute (GET /admin/overview): the tasks that became sent or failed in each minute, whenever
 * they were created (a retried or scheduled task counts in the minute it was sent or failed).
 */
@Schema(requiredProperties = {"from", "sent", "failed"}, name = "PerMinute",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record PerMinute(
        @Schema(format = "date-time", description = "the start of the first minute; the current minute is the last")
        String from,
        @ArraySchema(minItems = 60, maxItems = 60, schema = @Schema(type = "integer", minimum = "0")) List<Long> sent,
        @ArraySchema(minItems = 60, maxItems = 60, schema = @Schema(type = "integer", minimum = "0")) List<Long> failed) {
}
