package org.camelmailer.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The receivers of MAILER_WEBHOOK_URL, by index (a job names its receiver by number: URLs come only from
 * configuration). A URL's userinfo and query may hold tokens: {@link Target#shown()} leaves them out of every log.
 */
public final class WebhookUrls {

    /** One receiver: where the POST goes (no userinfo), its Basic credentials if the URL had some, how logs name it. */
    public record Target(String uri, String basicAuthorization, String shown) {
    }

    private final List<Target> targets;

    private WebhookUrls(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    /**
     * The comma-separated list of http(s) URLs; empty for none. IllegalArgumentException (its message never shows a
     * userinfo or a query) for anything else.
     */
    public static WebhookUrls parse(String urls) {
        List<Target> targets = new ArrayList<>();
        for (String item : urls.split(",")) {
            if (!item.isBlank()) {
                targets.add(target(item.strip(), targets.size()));
            }
        }
        return new WebhookUrls(targets);
    }

    private static Target target(String url, int index) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URL number " + (index + 1) + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getFragment() != null) {
            throw new IllegalArgumentException("URL number " + (index + 1) + " (" + shown(uri)
                    + ") must be an http:// or https:// URL with a host and no #fragment");
        }
        String authorization = null;
        String sent = url;
        if (uri.getRawUserInfo() != null) {
            // the HTTP client sends no userinfo: it becomes Basic credentials, as a browser would send them
            String user = uri.getUserInfo();
            authorization = "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
            try {
                sent = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), null, null, null).toString()
                        + (uri.getRawPath() == null ? "" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("URL number " + (index + 1) + " is not a URL");
            }
        }
        return new Target(sent, authorization, shown(uri));
    }

    /** scheme://host[:port]/path: no userinfo, no query. */
    private static String shown(URI uri) {
        return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + (uri.getHost() == null ? "?" : uri.getHost())
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?…");
    }

    /** The list as a log or a configuration error may show it. */
    public static String redact(String urls) {
        List<String> shown = new ArrayList<>();
        for (String item : urls.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                shown.add(shown(new URI(item.strip())));
            } catch (URISyntaxException e) {
                shown.add("(not a URL)");
            }
        }
        return String.join(",", shown);
    }

    public int size() {
        return targets.size();
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }

    /** Receiver number {@code index} (0-based), or null when there is none (the list changed since the job was made). */
    public Target get(int index) {
        return index >= 0 && index < targets.size() ? targets.get(index) : null;
    }
}
