package org.camelmailer.support;

import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.camelmailer.MailerApplication;
import org.camelmailer.config.Settings;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The whole application started in this JVM exactly as {@code main()} starts it (real routes/*.yaml,
 * real application.properties), with its settings given as environment variables, on a free port.
 */
public final class RunningMailer extends MailerHttp implements AutoCloseable {

    private final Main main;
    private final Thread runner;
    private final Path outbox;
    private final Path geminiLogs;
    /** The Redis server {@link #onOwnRedis} started for this mailer alone, closed with it. */
    private RedisServerProcess ownRedis;

    private RunningMailer(Main main, Thread runner, int port, Path outbox, Path geminiLogs) {
        super(port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        this.main = main;
        this.runner = runner;
        this.outbox = outbox;
        this.geminiLogs = geminiLogs;
    }

    public static RunningMailer start(Map<String, String> environment) {
        return start(environment, "/");
    }

    /** Started on a Redis server process of its own (REDIS_URL points at it), which {@link #close} stops too. */
    public static RunningMailer onOwnRedis(Map<String, String> environment) {
        RedisServerProcess redis = new RedisServerProcess();
        Map<String, String> env = new HashMap<>(environment);
        env.put("REDIS_URL", redis.url());
        try {
            RunningMailer mailer = start(env);
            mailer.ownRedis = redis;
            return mailer;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** The server {@link #onOwnRedis} started: stop and start it for an outage, or read what the service wrote. */
    public RedisServerProcess redisServer() {
        if (ownRedis == null) {
            throw new IllegalStateException("started with a REDIS_URL of the test's own: use that server");
        }
        return ownRedis;
    }

    /** What the service wrote to the Redis of {@link #onOwnRedis}. */
    public StringRedisTemplate redis() {
        return redisServer().redis();
    }

    /** Started once {@code readyPath} answers 200 (a worker-only process has no {@code GET /}). */
    public static RunningMailer start(Map<String, String> environment, String readyPath) {
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("MAILER_HTTP_PORT", Integer.toString(FreePort.find()));
        env.putIfAbsent("MAILER_OUTBOX_DIR", TempDirs.create("outbox").toString());
        env.putIfAbsent("GEMINI_LOG_DIR", TempDirs.create("gemini-logs").toString());
        Main main = MailerApplication.create(Settings.of(env));
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                failure.set(e);
            }
        }, "mailer-main");
        runner.setDaemon(true);
        runner.start();
        RunningMailer mailer = new RunningMailer(main, runner, Integer.parseInt(env.get("MAILER_HTTP_PORT")),
                Path.of(env.get("MAILER_OUTBOX_DIR")), Path.of(env.get("GEMINI_LOG_DIR")));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            if (failure.get() != null) {
                throw new IllegalStateException("the service did not start", failure.get());
            }
            return mailer.get(readyPath).statusCode() == 200;
        });
        return mailer;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Path outbox() {
        return outbox;
    }

    public Path geminiLogs() {
        return geminiLogs;
    }

    @Override
    public void close() throws InterruptedException {
        main.completed();
        runner.join(30_000);
        if (ownRedis != null) {
            ownRedis.close();
        }
    }
}
