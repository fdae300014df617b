package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelmailer.redis.RedisConnection;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.camelmailer.message.MailTask;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** GEMINI_RPM against a real redis-server: one count for every process that shares it. */
class GeminiRateLimitTest {

    private final RedisServerProcess redis = new RedisServerProcess();
    private final List<StringRedisTemplate> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(c -> ((JedisConnectionFactory) c.getConnectionFactory()).destroy());
        redis.close();
    }

    /** A process of its own: its own connection pool, as a second worker process would have. */
    private StringRedisTemplate process() {
        StringRedisTemplate client = RedisConnection.template(redis.url(), 2);
        clients.add(client);
        return client;
    }

    @Test
    void should_let_the_rate_go_at_once_then_say_when_the_oldest_call_leaves_the_minute() {
        GeminiRateLimit limit = new GeminiRateLimit(process(), 3);

        assertThat(limit.take()).isZero();
        assertThat(limit.take()).isZero();
        assertThat(limit.take()).isZero();
        Duration wait = limit.take();

        assertThat(wait).isBetween(Duration.ofSeconds(59), GeminiRateLimit.WINDOW);
        assertThat(redis.redis().opsForZSet().size(GeminiRateLimit.KEY)).as("a refused call is not counted").isEqualTo(3);
        assertThat(redis.redis().getExpire(GeminiRateLimit.KEY)).isBetween(59L, 61L);
    }

    @Test
    void should_count_the_calls_of_every_process_on_the_redis_together() {
        GeminiRateLimit first = new GeminiRateLimit(process(), 4);
        GeminiRateLimit second = new GeminiRateLimit(process(), 4);

        assertThat(first.take()).isZero();
        assertThat(second.take()).isZero();
        assertThat(first.take()).isZero();
        assertThat(second.take()).isZero();

        assertThat(first.take()).isPositive();
        assertThat(second.take()).isPositive();
    }

    @Test
    void should_let_a_call_go_again_once_the_oldest_has_left_the_window() {
        GeminiRateLimit limit = new GeminiRateLimit(process(), 2);
        // two calls 70 s ago and 30 s ago, on Redis' clock
        long now = redis.redis().execute((org.springframework.data.redis.core.RedisCallback<Long>)
                c -> c.serverCommands().time(java.util.concurrent.TimeUnit.MILLISECONDS));
        redis.redis().opsForZSet().add(GeminiRateLimit.KEY, "old", now - 70_000);
        redis.redis().opsForZSet().add(GeminiRateLimit.KEY, "recent", now - 30_000);

        assertThat(limit.take()).isZero();
        Duration wait = limit.take();

        assertThat(wait).as("until 'recent' is 61 s old").isBetween(Duration.ofSeconds(30), Duration.ofSeconds(31));
    }

    @Test
    void should_ask_nothing_of_redis_without_a_limit() {
        GeminiRateLimit none = new GeminiRateLimit(process(), 0);

        for (int i = 0; i < 100; i++) {
            assertThat(none.take()).isZero();
        }
        assertThat(redis.redis().hasKey(GeminiRateLimit.KEY)).isFalse();
    }

    @Test
    void should_let_calls_go_when_redis_does_not_answer() {
        GeminiRateLimit limit = new GeminiRateLimit(process(), 1);
        redis.stop();

        assertThat(limit.take()).isZero();
        assertThat(limit.take()).isZero();
    }

    @Test
    void should_make_the_attempt_wait_with_the_delay_for_camels_redelivery() {
        GeminiRateLimit limit = new GeminiRateLimit(process(), 1);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        limit.acquire(new MailTask("t1", "alice@example.org", "s", "m", true, 0, "2026-12-01T00:00:00Z"), exchange.getIn());
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY)).isNull();

        assertThatThrownBy(() -> limit.acquire(new MailTask("t1", "alice@example.org", "s", "m", true, 0, "2026-12-01T00:00:00Z"), exchange.getIn())).isInstanceOf(GeminiRateLimitedException.class);
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isBetween(59_000L, 61_000L);
    }
}
