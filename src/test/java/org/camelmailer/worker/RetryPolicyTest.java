package org.camelmailer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry delay between delivery attempts: exponential, capped, with jitter. */
class RetryPolicyTest {

    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(1);

    private final RetryPolicy policy = new RetryPolicy(8, FIRST, MAX, Duration.ofDays(1));

    @ParameterizedTest(name = "attempt {0} -> at most {1} ms")
    @CsvSource({"1, 1000", "2, 2000", "3, 4000", "4, 8000", "6, 32000"})
    void should_double_the_delay_with_each_attempt(int attempts, long expectedMillis) {
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoff(attempts).toMillis())
                    .isBetween(expectedMillis * 8 / 10, expectedMillis);
        }
    }

    @ParameterizedTest(name = "attempt {0}")
    @CsvSource({"7", "8", "20", "21", "64"})
    void should_cap_the_delay_at_the_maximum(int attempts) {
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoff(attempts)).isBetween(Duration.ofSeconds(48), MAX);
        }
    }

    @Test
    void should_allow_no_retry_past_the_attempts_or_the_age() {
        assertThat(policy.allowsAnother(7, java.time.Instant.now().toString())).isTrue();
        assertThat(policy.allowsAnother(8, java.time.Instant.now().toString())).isFalse();
        assertThat(policy.allowsAnother(1, java.time.Instant.now().minus(Duration.ofDays(2)).toString())).isFalse();
    }

    @Test
    void should_let_the_age_alone_decide_when_attempts_are_not_counted() {
        RetryPolicy ageOnly = new RetryPolicy(0, FIRST, MAX, Duration.ofDays(1));

        assertThat(ageOnly.allowsAnother(1000, java.time.Instant.now().minus(Duration.ofHours(23)).toString())).isTrue();
        assertThat(ageOnly.allowsAnother(2, java.time.Instant.now().minus(Duration.ofHours(25)).toString())).isFalse();
        assertThat(ageOnly.backoff(1000)).as("capped").isBetween(Duration.ofSeconds(48), MAX);
    }

    @Test
    void should_grow_from_one_attempt_to_the_next_despite_jitter() {
        for (int attempts = 1; attempts < 6; attempts++) {
            assertThat(policy.backoff(attempts + 1)).isGreaterThan(policy.backoff(attempts));
        }
    }

    @Test
    void should_spread_delays_with_jitter() {
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.add(policy.backoff(3));
        }

        assertThat(seen).hasSizeGreaterThan(10)
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4000)));
    }
}
