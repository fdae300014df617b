package org.camelmailer.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.camelmailer.queue.RedisQueueEndpoint;

/**
 * Readiness of the routes that take tasks from the queue (every route consuming a {@code redis-queue:} endpoint).
 * One an operator suspended is a pause of deliveries, not a failure: the API still takes mail, so the process stays
 * in a load balancer's rotation, and the check lists it as paused. One that is stopped, or in any other state than
 * started or suspended, is DOWN. Camel's own per-route checks report a suspended route DOWN, so they are excluded
 * for these routes ({@code camel.health.exclude-pattern} in application.properties).
 */
public final class WorkerHealthCheck extends AbstractHealthCheck {

    public WorkerHealthCheck(CamelContext context) {
        super("mailer", "worker");
        setCamelContext(context);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> paused = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (!(route.getEndpoint() instanceof RedisQueueEndpoint)) {
                continue;
            }
            ServiceStatus status = getCamelContext().getRouteController().getRouteStatus(route.getRouteId());
            if (status == ServiceStatus.Suspended || status == ServiceStatus.Suspending) {
                paused.add(route.getRouteId());
            } else if (status != ServiceStatus.Started) {
                down.add(route.getRouteId() + " is " + status);
            }
        }
        if (!paused.isEmpty()) {
            builder.detail("paused", String.join(",", paused));
        }
        if (down.isEmpty()) {
            builder.up();
        } else {
            builder.down().message("not taking tasks: " + String.join(", ", down));
        }
    }
}
