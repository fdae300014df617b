package org.camelmailer.api;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.TCPServerBase;
import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.util.function.ThrowingConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's place in the start: between Camel's HTTP server and the routes. Camel starts its platform-http
 * server from a startup listener of its own (order {@code Integer.MAX_VALUE - 1000}); this one runs after it and
 * before any route starts, so a port that could not be bound stops the start before a worker route claims a task.
 * (camel-platform-http-vertx 4.17 only logs a WARN when its listen fails and goes on: the server is then simply not
 * bound.) Once the port is ours, the edge is installed and the port is served from every event loop, both before the
 * first request can reach a route.
 */
public final class HttpStart implements StartupListener, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(HttpStart.class);

    private final String hostSetting;
    private final String portSetting;
    private final ThrowingConsumer<CamelContext, Exception> edge;

    /**
     * {@code host} and {@code port} as the operator set them (MAILER_HTTP_HOST, MAILER_HTTP_PORT), for messages;
     * {@code edge} is what to do on the bound server before the routes start.
     */
    public HttpStart(String host, int port, ThrowingConsumer<CamelContext, Exception> edge) {
        this.hostSetting = host;
        this.portSetting = Integer.toString(port);
        this.edge = edge;
    }

    @Override
    public int getOrder() {
        // after Camel's DeferServiceStartupListener, which starts the HTTP server (Integer.MAX_VALUE - 1000)
        return Ordered.LOWEST;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) throws Exception {
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(context, VertxPlatformHttpRouter.class);
        HttpServer server = router == null || router.getServer() == null ? null : router.getServer().getServer();
        if (server == null || !listening(server)) {
            throw new HttpPortUnavailableException(hostSetting, portSetting, whyNotBindable(hostSetting, portSetting));
        }
        edge.accept(context);
    }

    /**
     * The endpoints at the address really bound. Camel's own summary (MainHttpServerUtil, silenced in
     * simplelogger.properties) prints {@code http://0.0.0.0:<port>} whatever the host.
     */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the HTTP routes register their endpoints as they start: listed once they all have
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        PlatformHttpComponent http = context.hasComponent("platform-http") instanceof PlatformHttpComponent c ? c : null;
        if (http == null) {
            return;
        }
        String base = "http://" + authority(hostSetting, Integer.parseInt(portSetting));
        Set<HttpEndpointModel> endpoints = new TreeSet<>(http.getHttpEndpoints());
        endpoints.addAll(http.getHttpManagementEndpoints());
        int width = endpoints.stream().mapToInt(e -> e.getUri().length()).max().orElse(0) + base.length() + 2;
        LOG.info("HTTP server listening on {} (MAILER_HTTP_HOST={}, MAILER_HTTP_PORT={})", base, hostSetting,
                portSetting);
        for (HttpEndpointModel e : endpoints) {
            LOG.info("    {}({})", String.format("%-" + width + "s", base + e.getUri()),
                    e.getVerbs() == null ? "*" : e.getVerbs());
        }
    }

    /** {@code host:port} as a URL shows the address bound: 127.0.0.1, [::1], or 0.0.0.0 for every interface. */
    static String authority(String host, int port) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.contains(":")) {
            // an IPv6 address, shown as it was written (::1, not 0:0:0:0:0:0:0:1)
            return "[" + name + "]:" + port;
        }
        try {
            InetAddress bound = InetAddress.getByName(name);
            return (bound instanceof Inet6Address ? "[" + bound.getHostAddress() + "]" : bound.getHostAddress()) + ":" + port;
        } catch (UnknownHostException e) {
            return name + ":" + port;
        }
    }

    /**
     * Whether the listen succeeded. Vert.x 4.5's public API does not say: {@code actualPort()} is the requested port
     * whether or not the bind worked. Its server base class keeps the answer.
     */
    static boolean listening(HttpServer server) {
        return server instanceof TCPServerBase tcp ? tcp.isListening() : server.actualPort() > 0;
    }

    /** Camel's server does not keep its listen failure: binding the address again tells why. */
    static String whyNotBindable(String host, String port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, Integer.parseInt(port)));
            return "the HTTP server did not start (see the WARN line above)";
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
        }
    }

    /** The HTTP port could not be bound: the start stops (exit code 1) before any route has started. */
    public static final class HttpPortUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        HttpPortUnavailableException(String host, String port, String why) {
            super("MAILER_HTTP_HOST=" + host + ", MAILER_HTTP_PORT=" + port + ": cannot listen there: " + why);
        }
    }
}
