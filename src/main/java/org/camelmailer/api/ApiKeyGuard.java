package org.camelmailer.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import org.apache.camel.Header;
import org.camelmailer.config.CorsOrigins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAILER_API_KEY: when set, the routes that call {@link #check} need {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}, compared in constant time; anything else is a 401. Unset, everything is open.
 */
public final class ApiKeyGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyGuard.class);
    static final String API_KEY_HEADER = "X-API-Key";

    private final byte[] key;

    public ApiKeyGuard(String key) {
        this.key = key == null || key.isBlank() ? null : key.strip().getBytes(StandardCharsets.UTF_8);
    }

    public boolean enabled() {
        return key != null;
    }

    /**
     * One WARN line per open door when no key is set: a non-loopback {@code host} (an open relay for whoever reaches
     * the port), and CORS for every origin (any web page a browser opens can send mail through it).
     */
    public void warnIfOpen(String host, CorsOrigins cors) {
        if (enabled()) {
            return;
        }
        if (!isLoopback(host)) {
            LOG.warn("MAILER_API_KEY is not set and MAILER_HTTP_HOST={} is not a loopback address: anyone who reaches "
                    + "this port can send mail through it (an OPEN RELAY). Set MAILER_API_KEY.", host);
        }
        if (cors.any()) {
            LOG.warn("CORS_ORIGINS=* and MAILER_API_KEY is not set: any web page open in a browser that reaches this "
                    + "port can send mail through it. List the front ends' origins in CORS_ORIGINS, or set MAILER_API_KEY.");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public void check(@Header(API_KEY_HEADER) String apiKey, @Header("Authorization") String authorization) {
        if (!accepts(apiKey, authorization)) {
            throw new InvalidRequestException(401, REFUSED);
        }
    }

    /** The message of every 401 for a missing or wrong key. */
    static final String REFUSED = "Clé d'API absente ou invalide (Authorization: Bearer … ou X-API-Key).";

    /**
     * {@link #accepts}, or {@code Authorization: Basic} with the key as the password and any user name: what Hawtio
     * sends (its proxy forwards Basic and turns a Bearer token into Basic {@code token:<key>}). For Jolokia's path.
     */
    boolean acceptsOrBasic(String apiKey, String authorization) {
        if (accepts(apiKey, authorization)) {
            return true;
        }
        if (apiKey != null || authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = credentials.indexOf(':');
        return colon >= 0 && MessageDigest.isEqual(key, credentials.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a request with these headers may pass: always without a key, else when it presents the key. */
    boolean accepts(String apiKey, String authorization) {
        if (key == null) {
            return true;
        }
        String presented = apiKey;
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        }
        return presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }
}
