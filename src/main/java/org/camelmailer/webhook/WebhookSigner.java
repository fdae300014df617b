package org.camelmailer.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.camelmailer.config.WebhookSecret;

/**
 * Standard Webhooks signatures: {@code v1,} + base64 of HMAC-SHA256 over {@code id.timestamp.body}, keyed with
 * MAILER_WEBHOOK_SECRET: a {@code whsec_} secret is the base64 of the key, any other its UTF-8 bytes.
 */
public final class WebhookSigner {

    private final SecretKeySpec key;

    public WebhookSigner(String secret) {
        this.key = new SecretKeySpec(key(secret), "HmacSHA256");
    }

    /** The key bytes a secret stands for (see {@link WebhookSecret}). */
    public static byte[] key(String secret) {
        return WebhookSecret.key(secret);
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
