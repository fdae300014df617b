package org.camelmailer.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;

/**
 * CORS_ORIGINS: the web pages a browser lets call the API. {@code *} for any page, or a comma-separated list of
 * origins as browsers send them ({@code scheme://host[:port]}), where {@code scheme://host:*} stands for that host on
 * any port. The default lets a front end on this machine (any port of localhost, 127.0.0.1 or [::1]) call the API and
 * no page from elsewhere: a page on another site could otherwise make the browser of whoever opens it send mail.
 */
public final class CorsOrigins {

    /** The default: pages served from this machine, on any port. */
    public static final String LOOPBACK = "http://localhost:*,http://127.0.0.1:*,http://[::1]:*";

    private static final Pattern ORIGIN = Pattern.compile(
            "(https?)://([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:.]+\\])(:([0-9]{1,5}|\\*))?");

    private final String setting;
    private final boolean any;
    private final List<String> exact;
    private final List<String> anyPort;

    private CorsOrigins(String setting, boolean any, List<String> exact, List<String> anyPort) {
        this.setting = setting;
        this.any = any;
        this.exact = exact;
        this.anyPort = anyPort;
    }

    /** The origins in {@code value}; IllegalArgumentException naming the first entry that is not one. */
    public static CorsOrigins parse(String value) {
        List<String> entries = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                entries.add(item.strip());
            }
        }
        if (entries.contains("*")) {
            if (entries.size() > 1) {
                throw new IllegalArgumentException("'*' lets every origin in: list it alone, or list origins without it");
            }
            return new CorsOrigins(value.strip(), true, List.of(), List.of());
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("must be * or a comma-separated list of origins");
        }
        List<String> exact = new ArrayList<>();
        List<String> anyPort = new ArrayList<>();
        for (String entry : entries) {
            Matcher m = ORIGIN.matcher(entry.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + entry + "' is not an origin: scheme://host[:port] or "
                        + "scheme://host:* for any port, http or https, no path and no trailing slash");
            }
            String port = m.group(5);
            if (port != null && !port.equals("*") && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
                throw new IllegalArgumentException("'" + entry + "' has no valid port (1 to 65535, or *)");
            }
            String schemeAndHost = m.group(1) + "://" + m.group(2);
            if ("*".equals(port)) {
                anyPort.add(schemeAndHost);
            } else {
                exact.add(m.group());
            }
        }
        return new CorsOrigins(String.join(",", entries), false, List.copyOf(exact), List.copyOf(anyPort));
    }

    /** True for {@code *}: every page may call the API. */
    public boolean any() {
        return any;
    }

    /** Vert.x's CORS handler for these origins: preflights answered, other origins refused with 403. */
    public CorsHandler handler() {
        CorsHandler cors = CorsHandler.create();
        exact.forEach(cors::addOrigin);
        // the origin's host with no port (the scheme's default) or any port, nothing after it
        anyPort.forEach(origin -> cors.addOriginWithRegex("(?i)" + Pattern.quote(origin) + "(:[0-9]{1,5})?"));
        return cors
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH,
                        HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Content-Type", "Idempotency-Key", "Authorization", "X-API-Key"))
                .maxAgeSeconds(600);
    }

    /** For the start log: which pages browsers let call the API. */
    public String describe() {
        return any ? "CORS_ORIGINS=*: browsers let a page from any web site call this API"
                : "CORS_ORIGINS=" + setting + ": browsers let pages from these origins call this API, others get 403";
    }
}
