package org.camelmailer.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One {@link RedisServerProcess} per test class, empty at the start of every test. Register it as a static field:
 * {@code @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();}
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private RedisServerProcess server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new RedisServerProcess();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.flushAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    /** The process itself: stop and start it to simulate an outage. */
    public RedisServerProcess server() {
        return server;
    }

    public StringRedisTemplate redis() {
        return server.redis();
    }

    public String url() {
        return server.url();
    }
}
