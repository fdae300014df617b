package org.camelmailer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.camelmailer.queue.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;
import redis.embedded.RedisServer;

/**
 * A real redis-server process like {@link RedisServerProcess}, but with {@code requirepass}: clients need
 * {@code redis://:<password>@127.0.0.1:<port>}. It can be stopped and started again like an outage.
 */
public final class PasswordRedisServer implements AutoCloseable {

    private final int port;
    private final String password;
    private final RedisServer server;
    private StringRedisTemplate template;

    public PasswordRedisServer(String password) {
        try {
            this.port = FreePort.find();
            this.password = password;
            Path dir = Files.createTempDirectory("redis-secured");
            this.server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + dir)
                    .setting("appendonly yes")
                    .setting("save \"\"")
                    .setting("requirepass " + password)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL with the password, as REDIS_URL takes it. */
    public String url() {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    /** A client of this server, for reading what is stored. */
    public synchronized StringRedisTemplate redis() {
        if (template == null) {
            template = RedisConnection.template(url(), 4);
        }
        return template;
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
