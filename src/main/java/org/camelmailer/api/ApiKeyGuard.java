package org.camelmailer.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;

/**
 * MAILER_API_KEY: when set, the routes that call {@link #check} need {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}, compared in constant time; anything else is a 401. Unset, everything is open.
 */
public final class ApiKeyGuard {

    private final byte[] key;

    public ApiKeyGuard(String key) {
        this.key = key == null || key.isBlank() ? null : key.strip().getBytes(StandardCharsets.UTF_8);
    }

    public boolean enabled() {
        return key != null;
    }

    public void check(Exchange exchange) {
        if (key == null) {
            return;
        }
        String presented = exchange.getIn().getHeader("X-API-Key", String.class);
        String authorization = exchange.getIn().getHeader("Authorization", String.class);
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        }
        if (presented == null
                || !MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new InvalidRequestException(401, "Clé d'API absente ou invalide (Authorization: Bearer … ou X-API-Key).");
        }
    }
}
