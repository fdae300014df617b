package org.camelmailer.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@code Idempotency-Key} of a message or of a batch: one Redis string per key and scope,
 * {@code "<answer> <fingerprint>"}, where the fingerprint is a hash of what the request asked and the answer what it got
 * (a task id, a batch's results). A key is claimed as pending ({@code " pending"} appended, for {@link #PENDING_WINDOW})
 * until its request's work is in Redis and {@link #confirm} records the answer for the status TTL: meanwhile the same
 * request gets 409 and a Retry-After, not an answer for work that may never be stored; another request with the key gets
 * 422. A pending claim whose request died expires on its own.
 */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    /** Longer than any admit-to-push (Redis answers within 2 s or the request fails and undoes its claim). */
    public static final Duration PENDING_WINDOW = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
    private static final int MAX_KEY_LENGTH = 255;
    private static final String PENDING = " pending";
    private static final String PREFIX = "mailer:idem:";

    private final StringRedisTemplate redis;
    private final Duration ttl;
    private final Duration pendingWindow;

    /** @param ttl how long a confirmed answer is given again (the status TTL) */
    public IdempotencyKeys(StringRedisTemplate redis, Duration ttl, Duration pendingWindow) {
        this.redis = redis;
        this.ttl = ttl;
        this.pendingWindow = pendingWindow;
    }

    /**
     * The Redis key for the header's value in {@code scope} ({@code ""} for a message, {@code "batch:"} for a batch),
     * or null when the request has none; 400 past 255 characters.
     */
    public static String redisKey(String scope, String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.length() > MAX_KEY_LENGTH) {
            throw new InvalidRequestException("L'en-tête Idempotency-Key dépasse " + MAX_KEY_LENGTH + " caractères.");
        }
        return PREFIX + scope + sha256(header);
    }

    /**
     * Claims {@code redisKey} for a request printed {@code fingerprint}, holding {@code placeholder} as its answer while
     * pending: null when the key was free (now claimed); the answer the same request got before; 422 when the key served
     * another request; 409 while the same request is still pending.
     */
    public String claim(String redisKey, String fingerprint, String placeholder) {
        String pending = placeholder + " " + fingerprint + PENDING;
        if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(redisKey, pending, pendingWindow))) {
            return null;
        }
        String earlier = redis.opsForValue().get(redisKey);
        if (earlier == null) {
            // it expired between the two calls
            redis.opsForValue().set(redisKey, pending, pendingWindow);
            return null;
        }
        boolean stillPending = earlier.endsWith(PENDING);
        String confirmed = stillPending ? earlier.substring(0, earlier.length() - PENDING.length()) : earlier;
        int space = confirmed.lastIndexOf(' ');
        if (space < 0 || !confirmed.substring(space + 1).equals(fingerprint)) {
            throw new InvalidRequestException(422, "Cette Idempotency-Key a déjà servi pour une autre demande.");
        }
        if (stillPending) {
            throw new InvalidRequestException(409,
                    "Une demande avec cette Idempotency-Key est en cours de mise en file d'attente : réessayez.", 1);
        }
        return confirmed.substring(0, space);
    }

    /**
     * After the work is in Redis: the key answers {@code answer} from now on, for the TTL. Redis failing here does not
     * fail the request (its work is done): the pending claim then expires on its own.
     */
    public void confirm(String redisKey, String fingerprint, String answer) {
        try {
            redis.opsForValue().set(redisKey, answer + " " + fingerprint, ttl);
        } catch (RuntimeException e) {
            LOG.warn("a request is queued but its Idempotency-Key could not be confirmed ({}): a retry with the key "
                    + "within {} gets 409", e.getMessage(), pendingWindow);
        }
    }

    /** Best effort, after the work failed: the key is free again. */
    public void release(String redisKey) {
        if (redisKey != null) {
            redis.delete(redisKey);
        }
    }

    /** Hex SHA-256 of the text's UTF-8 bytes: keys and fingerprints. */
    public static String sha256(String s) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
