package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void should_let_n_requests_through_then_say_how_long_to_wait() {
        RateLimiter limiter = RateLimiter.of("3/1s");
        assertThat(limiter.take("a", 0)).isZero();
        assertThat(limiter.take("a", 0)).isZero();
        assertThat(limiter.take("a", 0)).isZero();
        assertThat(limiter.take("a", 0)).isEqualTo(SECOND / 3);
    }

    @Test
    void should_refill_over_time() {
        RateLimiter limiter = RateLimiter.of("2/1s");
        limiter.take("a", 0);
        limiter.take("a", 0);
        assertThat(limiter.take("a", SECOND / 4)).isPositive();
        assertThat(limiter.take("a", SECOND / 2)).isZero();
    }

    @Test
    void should_count_each_client_apart() {
        RateLimiter limiter = RateLimiter.of("1/1m");
        assertThat(limiter.take("a", 0)).isZero();
        assertThat(limiter.take("b", 0)).isZero();
        assertThat(limiter.take("a", 0)).isPositive();
    }

    @Test
    void should_refuse_a_malformed_limit() {
        for (String spec : new String[] {"lots", "0/1s", "5/0", "5/fortnight", "99999999999/1s"}) {
            assertThatThrownBy(() -> RateLimiter.of(spec)).as(spec).hasMessageStartingWith("must look like 60/1m");
        }
    }

    @Test
    void should_read_a_bare_period_as_seconds_like_every_duration() {
        // 60/60: sixty a minute, one a second once the burst is spent (Camel's TimeUtils read 60 as 60 ms)
        RateLimiter limiter = RateLimiter.of("60/60");
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.take("a", 0)).isZero();
        }
        assertThat(limiter.take("a", 0)).isBetween(SECOND - SECOND / 100, SECOND);
        assertThat(limiter.take("a", SECOND)).isZero();
    }
}
