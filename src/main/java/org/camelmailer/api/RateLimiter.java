package org.camelmailer.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.Header;
import io.vertx.core.net.SocketAddress;
import org.camelmailer.config.RateLimit;

/**
 * MAILER_RATE_LIMIT ("N/duration", e.g. "60/1m"): a token bucket per client address on POST /message, in this
 * process; over the limit is a 429 with Retry-After. Empty: no limit. The address is the TCP peer's, never a
 * client-supplied header, so it cannot be spoofed (behind a proxy, limit at the proxy).
 */
public final class RateLimiter {

    private static final int MAX_CLIENTS = 100_000;

    private final double capacity;
    private final double tokensPerNano;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private RateLimiter(double capacity, Duration per) {
        this.capacity = capacity;
        this.tokensPerNano = capacity / per.toNanos();
    }

    /** {@code spec} empty: a limiter that lets everything through (see {@link RateLimit#parse}). */
    public static RateLimiter of(String spec) {
        return of(RateLimit.parse(spec));
    }

    /** {@code limit} null: a limiter that lets everything through. */
    public static RateLimiter of(RateLimit limit) {
        return limit == null ? new RateLimiter(0, Duration.ofSeconds(1)) : new RateLimiter(limit.requests(), limit.per());
    }

    public void check(@Header(VertxPlatformHttpConstants.REMOTE_ADDRESS) SocketAddress peer) {
        if (capacity == 0) {
            return;
        }
        String client = peer == null ? "unknown" : peer.hostAddress();
        long waitNanos = take(client, System.nanoTime());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (long) Math.ceil(waitNanos / 1e9));
            throw new InvalidRequestException(429, "Trop de demandes : réessayez dans " + seconds + " s.", seconds);
        }
    }

    /** 0 when a token was taken, else the nanoseconds until one is available. */
    long take(String client, long now) {
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(capacity, now)).take(now);
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) ((1 - tokens) / tokensPerNano);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * tokensPerNano);
            updated = now;
        }
    }
}
