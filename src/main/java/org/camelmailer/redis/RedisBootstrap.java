package org.camelmailer.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which Redis the service talks to. An explicit REDIS_URL is used as given (a dead one is an error,
 * never silently replaced). With none, in this order: the embedded Redis an earlier start left for the data
 * directory ({@link EmbeddedRedis#find}: another live instance's is shared, an orphan is shut down and restarted on
 * the same data), a local Redis on 6379, and failing that an embedded redis-server with append-only persistence under
 * the data directory, which stops when this process stops or dies ({@link EmbeddedRedis}).
 */
public final class RedisBootstrap implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBootstrap.class);
    private static final int DEFAULT_PORT = 6379;

    private final String url;
    private final EmbeddedRedis embedded;

    private RedisBootstrap(String url, EmbeddedRedis embedded) {
        this.url = url;
        this.embedded = embedded;
    }

    /**
     * {@code url} (REDIS_URL) when set or when Sentinel decides ({@code sentinel}), else a local Redis for
     * {@code dataDir} (MAILER_DATA_DIR).
     */
    public static RedisBootstrap start(String url, boolean sentinel, Path dataDir) {
        if (!url.isBlank() || sentinel) {
            return new RedisBootstrap(url, null);
        }
        return startLocal(dataDir, DEFAULT_PORT);
    }

    /** REDIS_URL unset: an earlier start's Redis of {@code dataDir}, a Redis on {@code defaultPort}, or our own. */
    static RedisBootstrap startLocal(Path dataDir, int defaultPort) {
        try {
            EmbeddedRedis.Previous previous = EmbeddedRedis.find(dataDir, defaultPort);
            switch (previous.kind()) {
                case IN_USE:
                    LOG.warn("REDIS_URL is not set and {}/ belongs to another running camel-mailer (pid {}): using its "
                            + "embedded Redis at {} (redis-server pid {}), which stops when that process stops; give "
                            + "each process its own MAILER_DATA_DIR, or point them all at one Redis with REDIS_URL",
                            dataDir, previous.ownerPid(), previous.url(), previous.redisPid());
                    return new RedisBootstrap(previous.url(), null);
                case IN_USE_NOT_ANSWERING:
                    throw new IllegalStateException(dataDir + "/ belongs to another running camel-mailer (pid "
                            + previous.ownerPid() + ") whose embedded Redis does not answer at " + previous.url()
                            + ": stop that process, or give this one its own MAILER_DATA_DIR or a REDIS_URL");
                case ORPHAN:
                    LOG.warn("found the embedded Redis a previous start left running (pid {} at {}, data in {}/{}): "
                            + "shutting it down cleanly to run this process's own on the same data",
                            previous.redisPid(), previous.url(), dataDir,
                            previous.ownerPid() == 0 ? ", no pid file" : "; its owner, pid " + previous.ownerPid()
                                    + ", is gone");
                    EmbeddedRedis.shutDown(previous);
                    EmbeddedRedis restarted = EmbeddedRedis.start(dataDir, portFor(defaultPort));
                    LOG.warn("REDIS_URL is not set: restarted the embedded Redis at {} (pid {}) on the data in {}/; "
                            + "it stops when this process stops or dies", url(restarted), restarted.pid(), dataDir);
                    return new RedisBootstrap(url(restarted), restarted);
                case GONE:
                    LOG.info("removed {}/{}: the embedded Redis it names (pid {}, port {}) and its owner (pid {}) are "
                            + "gone", dataDir, EmbeddedRedis.PID_FILE, previous.redisPid(), previous.port(),
                            previous.ownerPid());
                    EmbeddedRedis.forget(dataDir);
                    break;
                default:
                    break;
            }
            if (answersPing("127.0.0.1", defaultPort)) {
                LOG.warn("REDIS_URL is not set: using the Redis server answering at redis://localhost:{}", defaultPort);
                return new RedisBootstrap("redis://127.0.0.1:" + defaultPort, null);
            }
            EmbeddedRedis server = EmbeddedRedis.start(dataDir, portFor(defaultPort));
            LOG.warn("REDIS_URL is not set and nothing answers at redis://localhost:{}: started an embedded Redis at {} "
                    + "with append-only persistence in {}/ (pid {}; it stops when this process stops or dies)",
                    defaultPort, url(server), dataDir, server.pid());
            return new RedisBootstrap(url(server), server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Redis server: " + e.getMessage(), e);
        }
    }

    private static int portFor(int defaultPort) throws IOException {
        return isFree(defaultPort) ? defaultPort : freePort();
    }

    private static String url(EmbeddedRedis server) {
        return "redis://127.0.0.1:" + server.port();
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
                LOG.info("stopped the embedded Redis (pid {})", embedded.pid());
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
