package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.camelmailer.support.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The claim, pending, confirm and replay of an Idempotency-Key, against a real Redis. */
class IdempotencyKeysTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    StringRedisTemplate redis;
    IdempotencyKeys keys;

    @BeforeEach
    void emptyRedis() {
        redis = REDIS.redis();
        keys = new IdempotencyKeys(redis, Duration.ofHours(1), Duration.ofMillis(400));
    }

    @Test
    void should_answer_409_while_pending_then_the_confirmed_answer_and_422_for_another_request() {
        String key = IdempotencyKeys.redisKey("batch:", "lot 42 é");
        assertThat(keys.claim(key, "print-a", "-")).isNull();

        assertThatThrownBy(() -> keys.claim(key, "print-a", "-")).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.status()).isEqualTo(409));
        // an answer with spaces (a batch's results) comes back whole
        keys.confirm(key, "print-a", "[{\"message\":\"un texte avec des espaces\"}]");
        assertThat(keys.claim(key, "print-a", "-")).isEqualTo("[{\"message\":\"un texte avec des espaces\"}]");
        assertThatThrownBy(() -> keys.claim(key, "print-b", "-")).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.status()).isEqualTo(422));
        assertThat(redis.getExpire(key)).isGreaterThan(3000);
    }

    @Test
    void should_free_a_key_whose_request_died_or_failed() {
        String key = IdempotencyKeys.redisKey("", "order-7");
        assertThat(keys.claim(key, "print", "task-1")).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> !Boolean.TRUE.equals(redis.hasKey(key)));
        assertThat(keys.claim(key, "print", "task-2")).isNull();
        keys.release(key);
        assertThat(keys.claim(key, "other print", "task-3")).isNull();
    }

    @Test
    void should_take_no_key_for_no_header_and_refuse_one_past_255_characters() {
        assertThat(IdempotencyKeys.redisKey("", null)).isNull();
        assertThat(IdempotencyKeys.redisKey("", "  ")).isNull();
        assertThat(IdempotencyKeys.redisKey("", "k")).isNotEqualTo(IdempotencyKeys.redisKey("batch:", "k"));
        assertThat(IdempotencyKeys.redisKey("", "x".repeat(255))).startsWith("mailer:idem:");
        assertThatThrownBy(() -> IdempotencyKeys.redisKey("", "x".repeat(256)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
