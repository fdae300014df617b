package org.camelmailer.redis;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.embedded.core.ExecutableProvider;

/**
 * The embedded redis-server of a data directory (REDIS_URL unset), owned by the one service process that started it,
 * and what a later start finds of it.
 *
 * <p><b>It does not outlive its owner.</b> The binary comes from embedded-redis, but the process is started here:
 * embedded-redis' {@code RedisServer} stops its server from {@code stop()} or a JVM shutdown hook (with SIGKILL when
 * {@code onShutdownForceStop} is set), and neither runs after a {@code kill -9} or an OOM kill. Here redis-server runs under
 * a small {@code /bin/sh} watchdog that reads a pipe whose writing end only the owner JVM holds: however the JVM ends,
 * the kernel closes that end, the watchdog reads end-of-file and sends redis-server SIGTERM, a clean shutdown that
 * fsyncs the append-only file. A normal stop closes the pipe the same way and waits for the exit. Without
 * {@code /bin/sh} (Windows) redis-server is started directly and a crash leaves it running until the next start.
 *
 * <p><b>A later start recognises what it left.</b> The owner writes {@value #PID_FILE} in the data directory
 * (redis-server's pid and port, the owner's pid and start time) once the server answers, and removes it after a
 * normal stop. A start with REDIS_URL unset reads it first:
 * <ul>
 * <li>owner alive (that pid, started at that time: a reused pid does not count) and its Redis answering with this
 * data directory: another live instance; it is used as it is, never stopped by this one ({@link Kind#IN_USE}). Its
 * Redis not answering fails the start rather than run a second server on the same files;</li>
 * <li>owner gone, and a Redis answering at the recorded port whose {@code CONFIG GET dir} is this data directory: an
 * orphan ({@link Kind#ORPHAN}). It is shut down with {@code SHUTDOWN} (the AOF fsynced, nothing lost) and the new start
 * runs its own server on the same data, under its own watchdog. It is restarted rather than adopted: an adopted server
 * would have no watchdog tied to the new owner, and a second crash would leave it behind again;</li>
 * <li>owner gone and nothing of this data directory at the port: the file is stale ({@link Kind#GONE}). A recorded
 * pid is never signalled: a server is identified by what it answers, not by a pid that may have been reused.</li>
 * </ul>
 * A Redis on the default port whose directory is this data directory, with no pid file naming a live owner, is an
 * orphan too (one left by a version without the pid file), not "a system Redis".
 *
 * <p>redis-server's own log goes to {@value #LOG_FILE} in the data directory.
 */
final class EmbeddedRedis implements AutoCloseable {

    static final String PID_FILE = "embedded-redis.pid";
    static final String LOG_FILE = "redis.log";

    private static final Path SHELL = Path.of("/bin/sh");
    /**
     * {@code sh -c WATCHDOG redis-watchdog <redis-server> <args>}: runs redis-server, and SIGTERMs it when the shell's
     * standard input (a pipe from the owner JVM) reaches end-of-file; exits with redis-server's status.
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0 </dev/null",
            "\"$@\" 3<&- &",
            "redis=$!",
            "(read -r line <&3; kill -TERM \"$redis\" 2>/dev/null) &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$redis\"",
            "status=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");
    /** Loading a large append-only file is the slow part of a start. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private final long pid;
    /** The watchdog shell (or redis-server itself): its standard input is the owner's lifeline, keep it referenced. */
    private final Process process;
    private final boolean watched;

    private EmbeddedRedis(Path dir, int port, long pid, Process process, boolean watched) {
        this.dir = dir;
        this.port = port;
        this.pid = pid;
        this.process = process;
        this.watched = watched;
    }

    /** Starts redis-server on 127.0.0.1:{@code port} with append-only persistence in {@code dataDir}. */
    static EmbeddedRedis start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        Path dir = dataDir.toRealPath();
        boolean watched = Files.isExecutable(SHELL);
        List<String> command = new ArrayList<>();
        if (watched) {
            command.addAll(List.of(SHELL.toString(), "-c", WATCHDOG, "redis-watchdog"));
        }
        command.add(ExecutableProvider.newJarResourceProvider().get().getAbsolutePath());
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                // fsync before replying: a 202 means the task is on disk, not only in memory
                "--appendonly", "yes", "--appendfsync", "always", "--save", ""));
        Path log = dir.resolve(LOG_FILE);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!RedisBootstrap.answersPing("127.0.0.1", port)) {
                if (process.waitFor(10, TimeUnit.MILLISECONDS)) {
                    throw new IOException("redis-server exited with status " + process.exitValue()
                            + " before answering; the end of " + log + ":\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not answer within " + START_TIMEOUT.toSeconds()
                            + " s; the end of " + log + ":\n" + tail(log));
                }
            }
            Identity identity = identify(port).filter(i -> i.dir().equals(dir))
                    .orElseThrow(() -> new IOException("another Redis answers at 127.0.0.1:" + port));
            EmbeddedRedis redis = new EmbeddedRedis(dir, port, identity.pid(), process, watched);
            redis.writePidFile();
            return redis;
        } catch (IOException | RuntimeException e) {
            stop(process, watched);
            throw e;
        } catch (InterruptedException e) {
            stop(process, watched);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while redis-server started", e);
        }
    }

    int port() {
        return port;
    }

    /** redis-server's own pid (not the watchdog's). */
    long pid() {
        return pid;
    }

    /** Stops redis-server cleanly (SIGTERM: the AOF is fsynced) and removes the pid file. */
    @Override
    public void close() throws IOException {
        stop(process, watched);
        if (PidFile.read(dir.resolve(PID_FILE)).filter(f -> f.redisPid() == pid).isPresent()) {
            Files.deleteIfExists(dir.resolve(PID_FILE));
        }
    }

    private static void stop(Process process, boolean watched) {
        try {
            if (watched) {
                // what the kernel does when this JVM dies: the watchdog reads end-of-file and sends SIGTERM
                process.getOutputStream().close();
            } else {
                process.destroy();
            }
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void writePidFile() throws IOException {
        ProcessHandle owner = ProcessHandle.current();
        String text = "# the embedded Redis of this folder and the camel-mailer process that owns it;"
                + " removed when it stops\n"
                + "redis_pid=" + pid + "\n"
                + "port=" + port + "\n"
                + "owner_pid=" + owner.pid() + "\n"
                + owner.info().startInstant().map(i -> "owner_started=" + i + "\n").orElse("");
        Path tmp = dir.resolve(PID_FILE + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(PID_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What a start finds of an earlier embedded Redis of {@code dataDir}: see the class comment. */
    static Previous find(Path dataDir, int defaultPort) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return new Previous(Kind.NOTHING, 0, 0, 0);
        }
        Path dir = dataDir.toRealPath();
        Optional<PidFile> recorded = PidFile.read(dir.resolve(PID_FILE));
        if (recorded.isPresent()) {
            PidFile file = recorded.get();
            Optional<Identity> server = identify(file.port()).filter(i -> i.dir().equals(dir));
            if (file.ownerAlive()) {
                return new Previous(server.isPresent() ? Kind.IN_USE : Kind.IN_USE_NOT_ANSWERING, file.port(),
                        server.map(Identity::pid).orElse(file.redisPid()), file.ownerPid());
            }
            if (server.isPresent()) {
                return new Previous(Kind.ORPHAN, file.port(), server.get().pid(), file.ownerPid());
            }
        }
        Optional<Identity> onDefault = identify(defaultPort).filter(i -> i.dir().equals(dir));
        if (onDefault.isPresent()) {
            return new Previous(Kind.ORPHAN, defaultPort, onDefault.get().pid(), 0);
        }
        return recorded.map(f -> new Previous(Kind.GONE, f.port(), f.redisPid(), f.ownerPid()))
                .orElse(new Previous(Kind.NOTHING, 0, 0, 0));
    }

    /** Removes a stale pid file. */
    static void forget(Path dataDir) throws IOException {
        Files.deleteIfExists(dataDir.resolve(PID_FILE));
    }

    /**
     * Shuts an orphan down with {@code SHUTDOWN} (the AOF is fsynced) and waits until it has exited; fails when it
     * refuses or outlasts the timeout, rather than start a second server on the same files.
     */
    static void shutDown(Previous orphan) throws IOException {
        try (Jedis jedis = new Jedis("127.0.0.1", orphan.port(), 2000)) {
            jedis.shutdown();
        } catch (JedisConnectionException e) {
            // it went away between the question and the SHUTDOWN (a watchdog's SIGTERM, say): waited for below
        } catch (JedisException e) {
            throw new IOException("the embedded Redis a previous start left running (pid " + orphan.redisPid()
                    + ") refused SHUTDOWN: " + e.getMessage() + " (see " + LOG_FILE + " in its data directory)", e);
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (running(orphan.redisPid()) || RedisBootstrap.answersPing("127.0.0.1", orphan.port())) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the embedded Redis a previous start left running (pid " + orphan.redisPid()
                        + ") did not stop within " + STOP_TIMEOUT.toSeconds() + " s of SHUTDOWN: stop it (kill "
                        + orphan.redisPid() + ") and start again");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for redis-server " + orphan.redisPid() + " to stop", e);
            }
        }
    }

    /**
     * A process with this pid exists and has not exited: an exited orphan that init has not reaped yet (a zombie)
     * holds no file and no port any more.
     */
    static boolean running(long pid) {
        if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            // no /proc (macOS): alive as far as Java can tell; with /proc: gone since the question above
            return !Files.isDirectory(Path.of("/proc", "self"));
        }
    }

    /** The directory and pid a Redis at 127.0.0.1:{@code port} reports, if one answers and lets us ask. */
    static Optional<Identity> identify(int port) {
        if (!RedisBootstrap.answersPing("127.0.0.1", port)) {
            return Optional.empty();
        }
        try (Jedis jedis = new Jedis("127.0.0.1", port, 2000)) {
            String dir = jedis.configGet("dir").get("dir");
            long pid = jedis.info("server").lines().filter(l -> l.startsWith("process_id:"))
                    .mapToLong(l -> Long.parseLong(l.substring("process_id:".length()).strip())).findFirst()
                    .orElse(0);
            return dir == null ? Optional.empty() : Optional.of(new Identity(Path.of(dir), pid));
        } catch (RuntimeException e) {
            // a password, CONFIG renamed away: not a server this service started
            return Optional.empty();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    enum Kind {
        /** No pid file and no Redis of this data directory on the default port. */
        NOTHING,
        /** A pid file whose owner and Redis are both gone. */
        GONE,
        /** A Redis of this data directory whose owner is gone (or unknown: no pid file). */
        ORPHAN,
        /** Another live process owns the Redis of this data directory, and it answers. */
        IN_USE,
        /** Another live process owns this data directory, but its Redis does not answer. */
        IN_USE_NOT_ANSWERING
    }

    /** What {@link #find} found: the Redis' port and pid, and its owner's pid (0: unknown). */
    record Previous(Kind kind, int port, long redisPid, long ownerPid) {

        String url() {
            return "redis://127.0.0.1:" + port;
        }
    }

    record Identity(Path dir, long pid) {
    }

    /** The content of {@value #PID_FILE}; an unreadable one counts as absent. */
    record PidFile(long redisPid, int port, long ownerPid, Instant ownerStarted) {

        static Optional<PidFile> read(Path file) {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(in);
                String started = p.getProperty("owner_started");
                return Optional.of(new PidFile(Long.parseLong(p.getProperty("redis_pid")),
                        Integer.parseInt(p.getProperty("port")), Long.parseLong(p.getProperty("owner_pid")),
                        started == null ? null : Instant.parse(started)));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** The owner is alive: a process with its pid that started when it did (a reused pid has not). */
        boolean ownerAlive() {
            return ProcessHandle.of(ownerPid).filter(ProcessHandle::isAlive)
                    .filter(p -> ownerStarted == null || p.info().startInstant().map(ownerStarted::equals).orElse(true))
                    .isPresent();
        }
    }
}
