package org.camelmailer.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Decides which Redis the service talks to. An explicit REDIS_URL is used as given (a dead one is an error,
 * never silently replaced); with none, a local Redis on 6379 is used, and failing that an embedded
 * redis-server process is started with append-only persistence under the data directory.
 */
public final class RedisBootstrap implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBootstrap.class);

    private final String url;
    private final RedisServer embedded;

    private RedisBootstrap(String url, RedisServer embedded) {
        this.url = url;
        this.embedded = embedded;
    }

    public static RedisBootstrap start(Settings settings) {
        if (settings.isSet(Setting.REDIS_URL) || settings.isSet(Setting.REDIS_SENTINELS)) {
            return new RedisBootstrap(settings.get(Setting.REDIS_URL), null);
        }
        if (answersPing("127.0.0.1", 6379)) {
            LOG.warn("REDIS_URL is not set: using the Redis server answering at redis://localhost:6379");
            return new RedisBootstrap("redis://127.0.0.1:6379", null);
        }
        return startEmbedded(Path.of(settings.get(Setting.MAILER_DATA_DIR)));
    }

    private static RedisBootstrap startEmbedded(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            int port = isFree(6379) ? 6379 : freePort();
            RedisServer server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + dataDir.toAbsolutePath())
                    // fsync before replying: a 202 means the task is on disk, not only in memory
                    .setting("appendonly yes")
                    .setting("appendfsync always")
                    .setting("save \"\"")
                    // stopped by a JVM shutdown hook too, even if the service fails before it is up
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            String url = "redis://127.0.0.1:" + port;
            LOG.warn("REDIS_URL is not set and nothing answers at redis://localhost:6379: started an embedded "
                    + "Redis at {} with append-only persistence in {}/", url, dataDir);
            return new RedisBootstrap(url, server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Redis server", e);
        }
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.stop();
            } catch (IOException e) {
                LOG.warn("stopping the embedded Redis server failed: {}", e.getMessage());
            }
        }
    }

    static boolean answersPing(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            return new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
