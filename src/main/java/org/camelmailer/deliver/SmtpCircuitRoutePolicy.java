package org.camelmailer.deliver;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy of the worker routes that take tasks (routes/worker.camel.yaml): while the {@link SmtpCircuit} is open
 * their consumers are suspended, so the queue waits in Redis instead of every task failing against the same refusal;
 * they resume when it closes. Only the consumer is suspended, never the route: the route stays Started (no route
 * health check turns readiness DOWN because of it; the smtp check does, and says why), and a route an operator
 * suspended (JMX) is not resumed by this policy.
 *
 * <p>Camel's ThrottlingExceptionRoutePolicy is the same circuit, but it counts only an exception left on the exchange
 * ({@code exchange.getException()}), which the worker-errors handler has already handled (handled: true), and
 * half-opens by resuming the consumer, letting a claim per worker thread try the refused login again.
 */
public final class SmtpCircuitRoutePolicy extends RoutePolicySupport implements SmtpCircuit.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpCircuitRoutePolicy.class);

    private final SmtpCircuit circuit;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Set<Consumer> pausedHere = ConcurrentHashMap.newKeySet();

    public SmtpCircuitRoutePolicy(SmtpCircuit circuit) {
        this.circuit = circuit;
        circuit.addListener(this);
    }

    @Override
    public void onInit(Route route) {
        routes.add(route);
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
    }

    @Override
    public void onStart(Route route) {
        if (circuit.isOpen()) {
            pause(route);
        }
    }

    /** A safety net: a consumer resumed by hand while delivery is paused is paused again after its next task. */
    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (circuit.isOpen()) {
            pause(route);
        }
    }

    @Override
    public void opened(String reason) {
        routes.forEach(this::pause);
    }

    @Override
    public void closed() {
        routes.forEach(this::resume);
    }

    private void pause(Route route) {
        Consumer consumer = route.getConsumer();
        if (consumer == null || !pausedHere.add(consumer)) {
            return;
        }
        try {
            suspendOrStopConsumer(consumer);
            LOG.warn("route {} takes no task while SMTP delivery is paused", route.getRouteId());
        } catch (Exception e) {
            pausedHere.remove(consumer);
            LOG.warn("could not pause route {}: {}", route.getRouteId(), e.getMessage());
        }
    }

    private void resume(Route route) {
        Consumer consumer = route.getConsumer();
        if (consumer == null || !pausedHere.remove(consumer)) {
            return;
        }
        ServiceStatus status = route.getCamelContext().getRouteController().getRouteStatus(route.getRouteId());
        if (status == null || !status.isStarted()) {
            return; // an operator suspended or stopped the route meanwhile: theirs to resume
        }
        try {
            resumeOrStartConsumer(consumer);
            LOG.info("route {} takes tasks again", route.getRouteId());
        } catch (Exception e) {
            LOG.warn("could not resume route {}: {}", route.getRouteId(), e.getMessage());
        }
    }
}
