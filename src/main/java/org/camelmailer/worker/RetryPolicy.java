package org.camelmailer.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a transiently failed delivery is tried again: after an exponential backoff with jitter (capped at
 * {@code maxDelay}), while the task is younger than {@code maxAge} and, when {@code maxAttempts} is above 0, has
 * attempts left. Past either bound it fails for good. With no count (the default) the age decides, as an MTA's queue
 * lifetime does: greylisting or a relay in maintenance for an hour is waited out, not dead-lettered. A delivery whose fate is
 * unknown (no reply to its end of data) gets one more attempt after {@code uncertainDelay}, or none when that is zero.
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, Duration maxAge,
                          Duration uncertainDelay) {

    public RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, Duration maxAge) {
        this(maxAttempts, firstDelay, maxDelay, maxAge, Duration.ofHours(1));
    }

    /** True when attempt number {@code attempts} (1-based, just failed) may be followed by another. */
    public boolean allowsAnother(int attempts, String createdAt) {
        if (maxAttempts > 0 && attempts >= maxAttempts) {
            return false;
        }
        return withinAge(createdAt);
    }

    /** True while a task created at {@code createdAt} is younger than the maximum age. */
    public boolean withinAge(String createdAt) {
        try {
            return Instant.parse(createdAt).plus(maxAge).isAfter(Instant.now());
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** True when an attempt that ended without a reply to its end of data may be followed by the one more it gets. */
    public boolean allowsUncertainRetry(int attempts, String createdAt) {
        return !uncertainDelay.isZero() && allowsAnother(attempts, createdAt);
    }

    /** Exponential from the first delay, capped, with up to 20 % jitter so retries do not arrive in step. */
    public Duration backoff(int attempts) {
        long base = firstDelay.toMillis() << Math.min(attempts - 1, 20);
        long capped = Math.min(base, maxDelay.toMillis());
        long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(capped - jitter);
    }
}
