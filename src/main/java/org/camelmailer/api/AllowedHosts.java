package org.camelmailer.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name a request gives this service in its {@code Host} header, checked while the service listens on loopback.
 * A web page can rebind its own DNS name to 127.0.0.1 (DNS rebinding) and then call a loopback port from the browser
 * as a same-origin request, which CORS does not stop, but under its own name: {@code Host: evil.example:5001}.
 * Loopback names pass (localhost and its subdomains, which RFC 6761 reserves for loopback and browsers resolve
 * without DNS; 127.0.0.0/8; [::1]), and so do the names in MAILER_ALLOWED_HOSTS; a request without a Host (HTTP/1.0,
 * never a browser) too. Names are compared as written: nothing is resolved per request. Listening on another address,
 * the service is reached by names and addresses it cannot know, and the check is off.
 */
public final class AllowedHosts {

    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

    private final String bindHost;
    private final boolean enabled;
    private final Set<String> listed;

    private AllowedHosts(String bindHost, boolean enabled, Set<String> listed) {
        this.bindHost = bindHost;
        this.enabled = enabled;
        this.listed = listed;
    }

    /** For a service listening on {@code bindHost} (MAILER_HTTP_HOST), with MAILER_ALLOWED_HOSTS {@code allowed}. */
    public static AllowedHosts of(String bindHost, String allowed) {
        Set<String> listed = new LinkedHashSet<>();
        for (String name : allowed.split(",")) {
            if (!name.isBlank()) {
                listed.add(normalise(name.strip()));
            }
        }
        return new AllowedHosts(bindHost, loopback(bindHost), listed);
    }

    private static boolean loopback(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** False when the service listens on a non-loopback address: then every Host passes. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether a request with this Host header (null: none) may go on. */
    public boolean allows(String hostHeader) {
        if (!enabled || hostHeader == null) {
            return true;
        }
        String host = normalise(withoutPort(hostHeader.strip()));
        return isLoopbackName(host) || listed.contains(host);
    }

    /** The host of a Host header: {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}. */
    static String withoutPort(String hostHeader) {
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? hostHeader : hostHeader.substring(0, end + 1);
        }
        int colon = hostHeader.indexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    /** Lower case, without IPv6 brackets or the root's trailing dot ({@code localhost.} is {@code localhost}). */
    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** localhost, *.localhost, an IPv4 address in 127.0.0.0/8, or an IPv6 loopback address; never looked up. */
    static boolean isLoopbackName(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return v4.group(1).equals("127");
        }
        if (host.contains(":") && IPV6.matcher(host).matches()) {
            try {
                // an IPv6 literal: parsed, not resolved (::1, 0:0:0:0:0:0:0:1, ::ffff:127.0.0.1)
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** For the start log: which Host headers are answered. */
    public String describe() {
        if (!enabled) {
            return "Host check off: MAILER_HTTP_HOST=" + bindHost + " is not a loopback address"
                    + (listed.isEmpty() ? "" : " (MAILER_ALLOWED_HOSTS is not used)");
        }
        return "Host check on (MAILER_HTTP_HOST=" + bindHost + " is loopback): requests must name localhost, "
                + "*.localhost, 127.x.x.x or [::1]" + (listed.isEmpty() ? "" : " or " + String.join(", ", listed)
                + " (MAILER_ALLOWED_HOSTS)") + ", others get 421";
    }
}
