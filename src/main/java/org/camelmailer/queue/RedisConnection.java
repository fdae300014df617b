package org.camelmailer.queue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.data.redis.connection.RedisPassword;
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

    public static StringRedisTemplate template(String url, int poolSize) {
        JedisConnectionFactory factory = new JedisConnectionFactory(standalone(url), client(url, poolSize));
        factory.afterPropertiesSet();
        factory.start();
        StringRedisTemplate template = new StringRedisTemplate(factory);
        template.afterPropertiesSet();
        return template;
    }

    /** Fails with a message naming the (redacted) URL when Redis does not answer PING. */
    public static void verify(StringRedisTemplate template, String url) {
        try {
            template.execute((RedisCallback<String>) RedisConnectionCommands::ping);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Redis at " + redact(url) + " does not answer: " + e.getMessage(), e);
        }
    }

    static RedisStandaloneConfiguration standalone(String url) {
        URI uri = parse(url);
        RedisStandaloneConfiguration conf = new RedisStandaloneConfiguration(
                uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon >= 0 ? userInfo.substring(0, colon) : "";
            String password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
            if (!user.isEmpty()) {
                conf.setUsername(decode(user));
            }
            conf.setPassword(RedisPassword.of(decode(password)));
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                conf.setDatabase(Integer.parseInt(path.substring(1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("REDIS_URL: the database after '/' must be a number");
            }
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
        if ("rediss".equals(parse(url).getScheme())) {
            builder.useSsl();
        }
        return builder.build();
    }

    private static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("REDIS_URL is not a URL (redis://host:port/db expected)");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("REDIS_URL must look like redis://host:port/db or rediss://...");
        }
        return uri;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL without its password, for log lines. */
    public static String redact(String url) {
        return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
    }
}
