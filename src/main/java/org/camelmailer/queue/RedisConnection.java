package org.camelmailer.queue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.camelmailer.config.ConfigurationException;
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

    /** scheme, user info, host, port, database. */
    private static final Pattern URL = Pattern.compile(
            "(redis|rediss)://(?:([^@/]*)@)?([A-Za-z0-9._-]+|\\[[0-9a-fA-F:.]+\\])(?::(\\d{1,5}))?(?:/(\\w*))?/?");

    private RedisConnection() {
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

    /** Refuses (IllegalArgumentException, saying why) a URL {@link #template} could not use. */
    public static void checkUrl(String url) {
        standalone(url);
    }

    /** Refuses a Sentinel address that is not host:port. */
    public static void checkSentinel(String hostAndPort) {
        if (!hostAndPort.matches("[A-Za-z0-9._-]+:\\d{1,5}") || Integer.parseInt(hostAndPort.replaceAll(".*:", "")) > 65535) {
            throw new IllegalArgumentException("must be host:port");
        }
    }

    static RedisStandaloneConfiguration standalone(String url) {
        Matcher uri = parse(url);
        RedisStandaloneConfiguration conf = new RedisStandaloneConfiguration(
                uri.group(3), uri.group(4) != null ? Integer.parseInt(uri.group(4)) : 6379);
        String userInfo = uri.group(2);
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon >= 0 ? userInfo.substring(0, colon) : "";
            String password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
            if (!user.isEmpty()) {
                conf.setUsername(decode(user));
            }
            conf.setPassword(RedisPassword.of(decode(password)));
        }
        String db = uri.group(5);
        if (db != null && !db.isEmpty()) {
            try {
                conf.setDatabase(Integer.parseInt(db));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the database after '/' must be a number");
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
        if ("rediss".equals(parse(url).group(1))) {
            builder.useSsl();
        }
        return builder.build();
    }

    /** A pattern, not java.net.URI: URI refuses host names with '_', common for Compose service names. */
    private static Matcher parse(String url) {
        Matcher m = URL.matcher(url == null ? "" : url.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("must look like redis://[user:password@]host:port/db or rediss://...");
        }
        return m;
    }

    /** Percent-decoding only: a '+' in a password stays a '+' (URLDecoder would make it a space). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL without its password (user:password@ or a lone password@), for log lines. */
    public static String redact(String url) {
        return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@").replaceAll("//[^:@/]+@", "//***@");
    }
}
