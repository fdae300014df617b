package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** GET /admin/routes: every route of this process, by id. */
@Schema(requiredProperties = {"status", "routes"}, name = "RouteList",
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
public record RouteList(
        @Schema(allowableValues = "ok") String status,
        @ArraySchema(schema = @Schema(implementation = RouteInfo.class)) List<RouteInfo> routes) {
}
