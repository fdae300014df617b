package org.camelmailer.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/** The embedded Redis of a data directory and what a later start makes of it, with real redis-server processes. */
class EmbeddedRedisTest {

    @TempDir
    Path data;

    /** Every redis-server a test started, killed after it whatever happened. */
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void should_record_its_server_in_the_pid_file_and_stop_it_cleanly_when_closed() throws Exception {
        int port = FreePort.find();
        RedisBootstrap bootstrap = RedisBootstrap.startLocal(data, port);
        long pid = serverPid(port);

        assertThat(bootstrap.url()).isEqualTo("redis://127.0.0.1:" + port);
        EmbeddedRedis.PidFile file = EmbeddedRedis.PidFile.read(data.resolve(EmbeddedRedis.PID_FILE)).orElseThrow();
        assertThat(file.redisPid()).isEqualTo(pid);
        assertThat(file.port()).isEqualTo(port);
        assertThat(file.ownerPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(file.ownerAlive()).isTrue();
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            assertThat(jedis.configGet("dir")).containsEntry("dir", data.toRealPath().toString());
            assertThat(jedis.configGet("append*"))
                    .containsEntry("appendonly", "yes").containsEntry("appendfsync", "always");
            assertThat(jedis.configGet("save")).containsEntry("save", "");
        }

        bootstrap.close();

        assertThat(EmbeddedRedis.running(pid)).isFalse();
        assertThat(RedisBootstrap.answersPing("127.0.0.1", port)).isFalse();
        assertThat(data.resolve(EmbeddedRedis.PID_FILE)).doesNotExist();
        // SIGTERM from the watchdog, not a kill: the AOF was fsynced
        assertThat(Files.readString(data.resolve(EmbeddedRedis.LOG_FILE)))
                .contains("Received SIGTERM", "Calling fsync() on the AOF file", "ready to exit");
    }

    @Test
    void should_shut_down_an_orphan_whose_owner_is_gone_and_restart_on_its_data() throws Exception {
        int port = FreePort.find();
        EmbeddedRedis first = EmbeddedRedis.start(data, port);
        long orphan = first.pid();
        started.add(orphan);
        set(port, "mailer:task:1", "queued");
        killWatchdogOf(orphan);
        // the owner's pid now belongs to another process (this JVM, started at another time): it is gone
        writePidFile(orphan, port, ProcessHandle.current().pid(), Instant.parse("2001-01-01T00:00:00Z"));

        RedisBootstrap again = RedisBootstrap.startLocal(data, port);
        long restarted = serverPid(port);

        assertThat(EmbeddedRedis.running(orphan)).isFalse();
        assertThat(restarted).isNotEqualTo(orphan);
        assertThat(again.url()).isEqualTo("redis://127.0.0.1:" + port);
        assertThat(get(port, "mailer:task:1")).isEqualTo("queued");
        assertThat(Files.readString(data.resolve(EmbeddedRedis.LOG_FILE))).contains(orphan + ":M", "User requested shutdown");

        again.close();
        assertThat(EmbeddedRedis.running(restarted)).isFalse();
        assertThat(data.resolve(EmbeddedRedis.PID_FILE)).doesNotExist();
    }

    @Test
    void should_shut_down_a_server_of_its_data_dir_on_the_default_port_left_without_a_pid_file() throws Exception {
        int port = FreePort.find();
        // as versions without the pid file started it, through embedded-redis
        RedisServer old = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
                .setting("dir " + data.toRealPath()).setting("appendonly yes").setting("appendfsync always")
                .setting("save \"\"").build();
        old.start();
        long orphan = serverPid(port);
        started.add(orphan);
        set(port, "mailer:task:2", "queued");

        RedisBootstrap again = RedisBootstrap.startLocal(data, port);
        long restarted = serverPid(port);

        assertThat(restarted).isNotEqualTo(orphan);
        assertThat(EmbeddedRedis.running(orphan)).isFalse();
        assertThat(get(port, "mailer:task:2")).isEqualTo("queued");
        again.close();
        assertThat(RedisBootstrap.answersPing("127.0.0.1", port)).isFalse();
    }

    @Test
    void should_use_the_server_of_a_live_owner_and_leave_it_running() throws Exception {
        int port = FreePort.find();
        RedisBootstrap owner = RedisBootstrap.startLocal(data, port);
        long pid = serverPid(port);
        try {
            RedisBootstrap other = RedisBootstrap.startLocal(data, FreePort.find());

            assertThat(other.url()).isEqualTo(owner.url());
            other.close();
            assertThat(serverPid(port)).isEqualTo(pid);
            assertThat(EmbeddedRedis.PidFile.read(data.resolve(EmbeddedRedis.PID_FILE)).orElseThrow().redisPid())
                    .isEqualTo(pid);
        } finally {
            owner.close();
        }
        assertThat(RedisBootstrap.answersPing("127.0.0.1", port)).isFalse();
    }

    @Test
    void should_refuse_to_start_beside_a_live_owner_whose_server_does_not_answer() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        writePidFile(4_000_000, FreePort.find(), self.pid(), self.info().startInstant().orElseThrow());

        assertThatThrownBy(() -> RedisBootstrap.startLocal(data, FreePort.find()))
                .hasMessageContaining("belongs to another running camel-mailer (pid " + self.pid() + ")");
    }

    @Test
    void should_remove_a_stale_pid_file_and_leave_alone_another_redis_now_at_its_port() throws Exception {
        try (RedisServerProcess other = new RedisServerProcess()) {
            other.redis().opsForValue().set("theirs", "kept");
            writePidFile(deadPid(), other.port(), deadPid(), null);
            int port = FreePort.find();

            RedisBootstrap bootstrap = RedisBootstrap.startLocal(data, port);
            started.add(serverPid(port));
            try {
                assertThat(bootstrap.url()).isEqualTo("redis://127.0.0.1:" + port);
                assertThat(other.redis().opsForValue().get("theirs")).isEqualTo("kept");
                assertThat(EmbeddedRedis.PidFile.read(data.resolve(EmbeddedRedis.PID_FILE)).orElseThrow().port())
                        .isEqualTo(port);
            } finally {
                bootstrap.close();
            }
        }
    }

    @Test
    void should_take_a_redis_of_another_directory_on_the_default_port_for_a_system_redis() throws Exception {
        try (RedisServerProcess system = new RedisServerProcess()) {
            RedisBootstrap bootstrap = RedisBootstrap.startLocal(data, system.port());

            assertThat(bootstrap.url()).isEqualTo(system.url());
            assertThat(data.resolve(EmbeddedRedis.PID_FILE)).doesNotExist();
            bootstrap.close();
            assertThat(RedisBootstrap.answersPing("127.0.0.1", system.port())).isTrue();
        }
    }

    /** The pid of the redis-server answering at {@code port}, as it reports it. */
    private long serverPid(int port) {
        long pid = EmbeddedRedis.identify(port).orElseThrow().pid();
        started.add(pid);
        return pid;
    }

    /**
     * Kills the watchdog shells between this JVM and redis-server {@code pid}, as if they had died with it: the watcher
     * first, since the shell's exit closes the pipe and the watcher would stop redis-server, as designed.
     */
    private static void killWatchdogOf(long pid) {
        ProcessHandle shell = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).orElseThrow();
        assertThat(shell.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
        killAndAwait(shell.descendants().filter(p -> p.pid() != pid).toList());
        killAndAwait(List.of(shell));
        assertThat(EmbeddedRedis.running(pid)).isTrue();
    }

    private static void killAndAwait(List<ProcessHandle> processes) {
        assertThat(processes).isNotEmpty();
        processes.forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(5)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
    }

    private void writePidFile(long redisPid, int port, long ownerPid, Instant ownerStarted) throws Exception {
        Files.writeString(data.resolve(EmbeddedRedis.PID_FILE), "redis_pid=" + redisPid + "\nport=" + port
                + "\nowner_pid=" + ownerPid + "\n" + (ownerStarted == null ? "" : "owner_started=" + ownerStarted + "\n"));
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static void set(int port, String key, String value) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set(key, value);
        }
    }

    private static String get(int port, String key) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.get(key);
        }
    }
}
