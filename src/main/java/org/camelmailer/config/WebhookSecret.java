package org.camelmailer.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** MAILER_WEBHOOK_SECRET: {@code whsec_} + base64 of the key (the Standard Webhooks form), or text whose UTF-8 bytes are. */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";

    private WebhookSecret() {
    }

    /** The key bytes a secret stands for; IllegalArgumentException (never quoting it) when it is empty or bad base64. */
    public static byte[] key(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (!secret.startsWith(PREFIX)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            if (key.length > 0) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // refused below, without the value
        }
        throw new IllegalArgumentException("a secret starting with " + PREFIX + " must be followed by base64");
    }
}
