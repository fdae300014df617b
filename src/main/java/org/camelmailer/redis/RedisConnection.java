package org.camelmailer.redis;

import java.time.Duration;
import java.util.Set;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.camelmailer.config.ConfigurationException;
import org.camelmailer.config.RedisUrl;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Turns a {@code redis://[user:password@]host[:port][/db]} (or {@code rediss://}) URL into the one
 * {@link StringRedisTemplate} every part of the service shares: JSON text in Redis, never Java serialisation.
 */
public final class RedisConnection {

    /** Short timeouts: a POST must answer 500 quickly while Redis is down, not hang. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private RedisConnection() {
    }

    /**
     * Connections the service's pool needs: every worker thread of both queues may hold one (plain and Gemini),
     * plus the claimers, lease renewal and the API.
     */
    public static int poolSize(int workers, int geminiWorkers) {
        return Math.max(16, (workers + geminiWorkers) * 2 + 8);
    }

    public static StringRedisTemplate template(String url, int poolSize) {
        return template(new JedisConnectionFactory(standalone(url), client(url, poolSize)));
    }

    /**
     * Through Redis Sentinel: {@code sentinels} is "host:port,host:port"; the master's password and database,
     * if any, come from {@code url} (its host is not used).
     */
    public static StringRedisTemplate sentinel(String master, String sentinels, String url, int poolSize) {
        RedisSentinelConfiguration conf = new RedisSentinelConfiguration(master,
                Set.of(sentinels.strip().split("\\s*,\\s*")));
        if (url != null && !url.isBlank()) {
            RedisStandaloneConfiguration from = standalone(url);
            conf.setPassword(from.getPassword());
            conf.setDatabase(from.getDatabase());
            if (from.getUsername() != null) {
                conf.setUsername(from.getUsername());
            }
        }
        return template(new JedisConnectionFactory(conf, client(url == null || url.isBlank() ? "redis://sentinel" : url,
                poolSize)));
    }

    private static StringRedisTemplate template(JedisConnectionFactory factory) {
        factory.afterPropertiesSet();
        factory.start();
        StringRedisTemplate template = new StringRedisTemplate(factory);
        template.afterPropertiesSet();
        return template;
    }

    /**
     * Fails with a message naming the (redacted) URL when Redis does not answer PING; a password Redis refuses is a
     * configuration error, not an outage.
     */
    public static void verify(StringRedisTemplate template, String url) {
        try {
            template.execute((RedisCallback<String>) RedisConnectionCommands::ping);
        } catch (RuntimeException e) {
            Throwable refusal = refusedCredentials(e);
            if (refusal != null) {
                throw new ConfigurationException("REDIS_URL", redact(url),
                        "Redis refused the credentials (authentication failed): " + refusal.getMessage());
            }
            throw new IllegalStateException("Redis at " + redact(url) + " does not answer: " + e.getMessage(), e);
        }
    }

    /** The error saying WRONGPASS (ACL), NOAUTH (a password is needed) or "AUTH ... without any password", or null. */
    static Throwable refusedCredentials(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("WRONGPASS") || m.contains("NOAUTH") || m.contains("invalid password")
                    || m.contains("without any password")) {
                return e;
            }
        }
        return null;
    }

    static RedisStandaloneConfiguration standalone(String url) {
        RedisUrl parsed = RedisUrl.parse(url);
        RedisStandaloneConfiguration conf = new RedisStandaloneConfiguration(parsed.host(), parsed.port());
        if (parsed.password() != null) {
            if (parsed.user() != null) {
                conf.setUsername(parsed.user());
            }
            conf.setPassword(RedisPassword.of(parsed.password()));
        }
        if (parsed.database() != null) {
            conf.setDatabase(parsed.database());
        }
        return conf;
    }

    private static JedisClientConfiguration client(String url, int poolSize) {
        GenericObjectPoolConfig<Object> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMaxWait(TIMEOUT);
        var builder = JedisClientConfiguration.builder()
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT)
                .usePooling().poolConfig(pool).and();
        if (RedisUrl.parse(url).tls()) {
            builder.useSsl();
        }
        return builder.build();
    }

    /** The URL without its password (user:password@ or a lone password@), for log lines. */
    public static String redact(String url) {
        return RedisUrl.redact(url);
    }
}
