package org.camelmailer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/** A one-page web site on its own loopback origin ({@code http://127.0.0.1:<port>}), for browser tests. */
public final class PageServer implements AutoCloseable {

    private final HttpServer server;
    private volatile String page = "<!doctype html><title>empty</title>";

    public PageServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = "/".equals(exchange.getRequestURI().getPath())
                    ? page.getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** The origin a browser gives this site's pages, e.g. {@code http://127.0.0.1:41234}. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The origin of this site's pages under another name that resolves here, e.g. {@code http://evil.example:41234}. */
    public String origin(String host) {
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    /** Serves {@code html} at {@code /} from now on. */
    public void serve(String html) {
        this.page = html;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
