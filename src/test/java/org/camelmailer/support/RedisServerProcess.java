package org.camelmailer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.camelmailer.redis.RedisConnection;
import redis.embedded.RedisServer;

/**
 * A real redis-server process (the binary shipped by embedded-redis) on a free loopback port, with
 * append-only persistence in a temporary folder, so a test can stop and start it like an outage.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final String password;
    private final RedisServer server;
    private StringRedisTemplate template;

    public RedisServerProcess() {
        this(null);
    }

    /** With {@code requirepass}: clients need {@code redis://:<password>@127.0.0.1:<port>}. */
    public RedisServerProcess(String password) {
        try {
            this.port = FreePort.find();
            this.password = password;
            Path dir = TempDirs.create("redis-test");
            this.server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + dir)
                    .setting("appendonly yes")
                    .setting("save \"\"")
                    .settingIf(password != null, "requirepass " + password)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return password == null ? "redis://127.0.0.1:" + port : "redis://:" + password + "@127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A client of this server, for assertions on what is stored. */
    public synchronized StringRedisTemplate redis() {
        if (template == null) {
            template = RedisConnection.template(url(), 8);
        }
        return template;
    }

    public void flushAll() {
        redis().execute((org.springframework.data.redis.core.RedisCallback<Object>) c -> {
            c.serverCommands().flushAll();
            return null;
        });
    }

    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
