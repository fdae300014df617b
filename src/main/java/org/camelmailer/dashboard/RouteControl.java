package org.camelmailer.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.component.direct.DirectEndpoint;
import org.apache.camel.util.URISupport;
import org.camelmailer.api.ApiResponses;
import org.camelmailer.api.InvalidRequestException;

/**
 * GET /admin/routes, POST /admin/routes/{route_id}/suspend and /resume: the routes and their state, and what JMX's
 * route MBeans offer, through Camel's route controller. Only the routes that take work may be suspended: those of
 * the worker, enhance and webhook stages consuming a queue or a timer. The API's and admin's own routes are refused
 * (suspending them would lock the operator out of this very endpoint), and so are the steps other routes call
 * ({@code direct:}): their callers would wait on them with a task in hand.
 */
public final class RouteControl {

    /** The REST path parameter of /admin/routes/{route_id}/…, as a header. */
    static final String ROUTE_ID = "route_id";
    static final List<String> SUSPENDABLE_STAGES = List.of("worker-", "enhance-", "webhook-");

    private final CamelContext context;

    public RouteControl(CamelContext context) {
        this.context = context;
    }

    /** GET /admin/routes: every route by id, with its state, its consumer, and its exchanges when JMX counts them. */
    public void list(Message out) {
        List<Map<String, Object>> routes = new ArrayList<>();
        context.getRoutes().stream().sorted(Comparator.comparing(Route::getRouteId)).forEach(r -> routes.add(view(r)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("routes", routes);
        ApiResponses.respond(out, 200, body);
    }

    public void suspend(Message out, @Header(ROUTE_ID) String routeId) throws Exception {
        Route route = suspendable(routeId);
        context.getRouteController().suspendRoute(route.getRouteId());
        ApiResponses.respond(out, 200, view(route));
    }

    public void resume(Message out, @Header(ROUTE_ID) String routeId) throws Exception {
        Route route = suspendable(routeId);
        context.getRouteController().resumeRoute(route.getRouteId());
        ApiResponses.respond(out, 200, view(route));
    }

    /** The route {@code routeId} if it may be suspended and resumed; 404 unknown, 409 one of the others. */
    private Route suspendable(String routeId) {
        Route route = routeId == null ? null : context.getRoute(routeId);
        if (route == null) {
            throw new InvalidRequestException(404, "Route inconnue : " + ApiResponses.safeId(routeId));
        }
        String refusal = refusal(route);
        if (refusal != null) {
            throw new InvalidRequestException(409, refusal);
        }
        return route;
    }

    /** Why {@code route} may not be suspended from here, or null when it may. */
    static String refusal(Route route) {
        String id = route.getRouteId();
        if (SUSPENDABLE_STAGES.stream().noneMatch(id::startsWith)) {
            return "La route '" + id + "' ne se suspend pas d'ici : elle sert l'API ou l'administration (la suspendre "
                    + "couperait l'accès à ce point d'entrée même). Seules les routes qui prennent du travail "
                    + "(worker-*, enhance-*, webhook-*) se suspendent.";
        }
        if (route.getEndpoint() instanceof DirectEndpoint) {
            return "La route '" + id + "' est une étape appelée par d'autres routes (direct:) : ses appelants "
                    + "l'attendraient, une tâche en main. Suspendez la route qui prend les tâches (worker-take-task, "
                    + "worker-take-enhanced-task, webhook-take-job).";
        }
        return null;
    }

    private Map<String, Object> view(Route route) {
        String id = route.getRouteId();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("route_id", id);
        view.put("state", String.valueOf(context.getRouteController().getRouteStatus(id)));
        // without its options (descriptions of the rest DSL, bean references): what it consumes
        view.put("from", URISupport.sanitizeUri(route.getEndpoint().getEndpointBaseUri()));
        view.put("suspendable", refusal(route) == null);
        ManagedCamelContext managed = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        ManagedRouteMBean stats = managed == null ? null : managed.getManagedRoute(id);
        view.put("exchanges_total", stats == null ? null : stats.getExchangesTotal());
        view.put("exchanges_failed", stats == null ? null : stats.getExchangesFailed());
        view.put("exchanges_inflight", stats == null ? null : (long) stats.getExchangesInflight());
        return view;
    }
}
