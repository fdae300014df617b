package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A route, its state in Camel's route controller, and its exchanges as JMX counts them. */
@Schema(requiredProperties = {"route_id", "state", "from", "suspendable", "exchanges_total", "exchanges_failed",
        "exchanges_inflight"}, name = "RouteInfo", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"route_id\":\"worker-take-task\",\"state\":\"Started\",\"from\":\"redis-queue://mailer:queue\","
                + "\"suspendable\":true,\"exchanges_total\":42,\"exchanges_failed\":0,\"exchanges_inflight\":1}")
public record RouteInfo(
        @JsonProperty("route_id") String routeId,
        @Schema(allowableValues = {"Initializing", "Initialized", "Starting", "Started", "Stopping", "Stopped",
                "Suspending", "Suspended"}) String state,
        @Schema(description = "the endpoint it consumes") String from,
        @Schema(description = "POST /admin/routes/{route_id}/suspend and /resume accept it: a route that takes work "
                + "(worker-*, enhance-*, webhook-*, not a direct: step)") boolean suspendable,
        @JsonProperty("exchanges_total") @Schema(nullable = true, minimum = "0") Long exchangesTotal,
        @JsonProperty("exchanges_failed") @Schema(nullable = true, minimum = "0") Long exchangesFailed,
        @JsonProperty("exchanges_inflight") @Schema(nullable = true, minimum = "0") Long exchangesInflight) {
}
