package org.camelmailer.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} + base64 of HMAC-SHA256 over {@code id.timestamp.body}, keyed with
 * MAILER_WEBHOOK_SECRET: a {@code whsec_} secret is the base64 of the key, any other its UTF-8 bytes.
 */
public final class WebhookSigner {

    public static final String PREFIX = "whsec_";

    private final SecretKeySpec key;

    public WebhookSigner(String secret) {
        this.key = new SecretKeySpec(key(secret), "HmacSHA256");
    }

    /** The key bytes a secret stands for; IllegalArgumentException (never quoting it) when it is empty or bad base64. */
    public static byte[] key(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (!secret.startsWith(PREFIX)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secret starting with " + PREFIX + " must be followed by base64");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("a secret starting with " + PREFIX + " must be followed by base64");
        }
        return key;
    }

    /** The webhook-signature header for one attempt: the body as the exact bytes sent. */
    public String sign(String webhookId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
