package org.camelmailer.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.springframework.data.redis.connection.RedisConnectionCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Readiness: Redis answers PING. Without it no task can be accepted or taken, so the service is not ready. */
public final class RedisHealthCheck extends AbstractHealthCheck {

    private final StringRedisTemplate redis;

    public RedisHealthCheck(StringRedisTemplate redis) {
        super("mailer", "redis");
        this.redis = redis;
    }

    @Override
    public boolean isLiveness() {
        // a Redis outage is not a reason to restart this process: it recovers by itself
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            String pong = redis.execute((RedisCallback<String>) RedisConnectionCommands::ping);
            builder.up().detail("ping", pong);
        } catch (RuntimeException e) {
            builder.down().message("Redis does not answer: " + e.getMessage());
        }
    }
}
