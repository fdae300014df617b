package org.camelmailer.enhance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.camelmailer.message.MailTask;

/**
 * Enhance step, before each call: GEMINI_RPM, Gemini's quota of requests per minute per key, kept by every process that
 * shares the Redis together. The calls of the last minute are a sorted set in Redis ({@value #KEY}, scored by Redis'
 * own clock, so the processes' clocks do not matter); a call that would pass the rate is not made yet: the attempt
 * waits (asynchronously, see enhance-retries) until the oldest call leaves the minute, and asks again.
 */
public final class GeminiRateLimit {

    /** The calls of the last window, by Redis time in milliseconds. */
    public static final String KEY = "mailer:gemini:calls";
    /** A minute, and a second of slack for a call's way to Google (Gemini counts arrivals, this counts departures). */
    static final Duration WINDOW = Duration.ofSeconds(61);

    private static final Logger LOG = LoggerFactory.getLogger(GeminiRateLimit.class);

    // 0: the call may go now (and is counted); otherwise the milliseconds until the oldest call leaves the window
    private static final RedisScript<Long> TAKE = RedisScript.of("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local n = redis.call('ZCARD', KEYS[1])
            if n < limit then
              redis.call('ZADD', KEYS[1], now, ARGV[3])
              redis.call('PEXPIRE', KEYS[1], window)
              return 0
            end
            local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
            return tonumber(oldest[2]) + window - now
            """, Long.class);

    private final StringRedisTemplate redis;
    private final int perMinute;
    private final String token = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + ".";
    private final AtomicLong calls = new AtomicLong();
    private volatile long lastWarning;

    /** @param perMinute GEMINI_RPM; 0 for no limit (nothing is asked of Redis then) */
    public GeminiRateLimit(StringRedisTemplate redis, int perMinute) {
        this.redis = redis;
        this.perMinute = perMinute;
    }

    public int perMinute() {
        return perMinute;
    }

    /**
     * The route step: returns when the attempt may call Gemini now (and counts it); else throws
     * {@link GeminiRateLimitedException} with the wait in {@code CamelRedeliveryDelay}.
     */
    public void acquire(@Variable("task") MailTask task, Message in) {
        Duration wait = take();
        if (!wait.isZero()) {
            LOG.debug("task {}: GEMINI_RPM={} reached, next call in {} ms", task.taskId(), perMinute, wait.toMillis());
            in.setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
            throw new GeminiRateLimitedException(wait);
        }
    }

    /** Zero when a call may go now (it is counted), else how long until one may. */
    Duration take() {
        if (perMinute <= 0) {
            return Duration.ZERO;
        }
        try {
            Long wait = redis.execute(TAKE, List.of(KEY), Integer.toString(perMinute),
                    Long.toString(WINDOW.toMillis()), token + calls.incrementAndGet());
            return wait == null || wait <= 0 ? Duration.ZERO : Duration.ofMillis(wait);
        } catch (RuntimeException e) {
            // the mail must not wait on Redis: the call goes, over the shared count this once
            long now = System.nanoTime();
            if (now - lastWarning > 60_000_000_000L || lastWarning == 0) {
                lastWarning = now;
                LOG.warn("GEMINI_RPM cannot be kept without Redis ({}): calling Gemini without waiting", e.getMessage());
            }
            return Duration.ZERO;
        }
    }
}
