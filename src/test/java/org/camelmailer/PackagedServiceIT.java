package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.junit.jupiter.api.Test;

/** The packaged jar with nothing configured: embedded Redis (persistent), outbox delivery, no Gemini. */
class PackagedServiceIT {

    @Test
    void should_serve_the_whole_flow_with_embedded_defaults_and_keep_tasks_across_a_restart() throws Exception {
        assumeThat(listening(6379)).as("nothing may answer on localhost:6379 for the embedded default").isFalse();
        Path dir = MailerProcess.workingDirectory();
        Map<String, String> env = Map.of("MAILER_HTTP_PORT", Integer.toString(FreePort.find()));
        String taskId;
        try (MailerProcess mailer = MailerProcess.start(dir, env)) {
            assertThat(mailer.output())
                    .contains("WARN", "REDIS_URL is not set and nothing answers at redis://localhost:6379: started an embedded Redis")
                    .contains("SMTP_SERVER is not set: mails are written to outbox/<task_id>.eml")
                    .contains("GEMINI_API_KEY is not set");
            // templates/ is read from the working directory, as routes/ is
            assertThat(mailer.get("/templates").body()).startsWith("{\"templates\":[{\"name\":\"welcome\",");
            // nothing of Vert.x's in the temp dir that a kill -9 would leave behind
            try (var tmp = Files.list(dir.resolve("tmp"))) {
                assertThat(tmp.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("vertx-cache"));
            }

            var accepted = mailer.postJson(Json.of(Map.of("destinataire", "alice@example.org",
                    "sujet", "Première réunion", "message", "Bonjour Alice,\nà jeudi.", "enhance_content", true)));
            assertThat(accepted.statusCode()).isEqualTo(202);
            taskId = (String) Json.parse(accepted.body()).get("task_id");

            Path eml = dir.resolve("outbox").resolve(taskId + ".eml");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(eml));
            try (InputStream in = Files.newInputStream(eml)) {
                MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()), in);
                assertThat(mail.getSubject()).isEqualTo("Première réunion");
                assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("alice@example.org");
                assertThat(((String) mail.getContent()).replace("\r\n", "\n")).isEqualTo("Bonjour Alice,\nà jeudi.");
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Json.parse(mailer.get("/message/" + taskId).body()).get("status").equals("sent"));
            assertThat(mailer.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
        assertThat(dir.resolve("data")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("appendonly"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !listening(6379));

        try (MailerProcess again = MailerProcess.start(dir, env)) {
            var status = Json.parse(again.get("/message/" + taskId).body());
            assertThat(status).containsEntry("status", "sent").containsEntry("task_id", taskId);
        }
    }

    @Test
    void should_stop_the_embedded_redis_when_the_service_is_killed_and_deliver_its_tasks_on_the_next_start()
            throws Exception {
        assumeThat(listening(6379)).as("nothing may answer on localhost:6379 for the embedded default").isFalse();
        Path dir = MailerProcess.workingDirectory();
        Path data = dir.resolve("data");
        String port = Integer.toString(FreePort.find());
        List<String> taskIds;
        // the API alone: the tasks stay queued, nothing takes them before the crash
        try (MailerProcess api = MailerProcess.start(dir, Map.of("MAILER_HTTP_PORT", port, "MAILER_ROLE", "api"))) {
            taskIds = postTasks(api, 20);
            assertThat(redisServersIn(data)).hasSize(1);
            api.kill();
        }
        // the watchdog saw the JVM die and stopped redis-server by itself, cleanly
        await().atMost(Duration.ofSeconds(10)).until(() -> redisServersIn(data).isEmpty() && !listening(6379));
        assertThat(Files.readString(data.resolve("redis.log"))).contains("Received SIGTERM", "ready to exit");
        assertThat(data.resolve("embedded-redis.pid")).exists();

        try (MailerProcess again = MailerProcess.start(dir, Map.of("MAILER_HTTP_PORT", port))) {
            assertThat(again.output())
                    .contains("INFO RedisBootstrap - removed data/embedded-redis.pid: the embedded Redis it names")
                    .contains("started an embedded Redis at redis://127.0.0.1:6379")
                    .doesNotContain("using the Redis server answering at");
            assertAllSent(again, dir, taskIds);
            assertThat(again.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
        assertThat(redisServersIn(data)).isEmpty();
        assertThat(listening(6379)).isFalse();
        assertThat(data.resolve("embedded-redis.pid")).doesNotExist();
    }

    @Test
    void should_shut_down_an_orphaned_embedded_redis_and_restart_it_on_the_same_data() throws Exception {
        assumeThat(listening(6379)).as("nothing may answer on localhost:6379 for the embedded default").isFalse();
        Path dir = MailerProcess.workingDirectory();
        Path data = dir.resolve("data");
        String port = Integer.toString(FreePort.find());
        List<String> taskIds;
        long orphan;
        long owner;
        try (MailerProcess api = MailerProcess.start(dir, Map.of("MAILER_HTTP_PORT", port, "MAILER_ROLE", "api"))) {
            taskIds = postTasks(api, 20);
            orphan = redisServersIn(data).get(0);
            owner = api.pid();
            // whatever runs between the JVM and redis-server (the watchdog shells) dies first, then the JVM:
            // redis-server is orphaned, as a version without the watchdog left it. The watcher goes before its shell:
            // when the shell exits, the JVM closes the pipe and the watcher would stop redis-server, as designed
            ProcessHandle parent = ProcessHandle.of(orphan).flatMap(ProcessHandle::parent).orElseThrow();
            if (parent.pid() != owner) {
                killAndAwait(parent.descendants().filter(p -> p.pid() != orphan).toList());
                killAndAwait(List.of(parent));
            }
            api.kill();
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(redisServersIn(data)).as(() -> "redis-server outlives the service; " + redisLog(data))
                    .containsExactly(orphan);
            assertThat(listening(6379)).isTrue();
        });

        try (MailerProcess again = MailerProcess.start(dir, Map.of("MAILER_HTTP_PORT", port))) {
            assertThat(again.output())
                    .contains("WARN RedisBootstrap - found the embedded Redis a previous start left running (pid "
                            + orphan + " at redis://127.0.0.1:6379, data in data/; its owner, pid " + owner + ", is gone)")
                    .contains("restarted the embedded Redis at redis://127.0.0.1:6379")
                    .doesNotContain("using the Redis server answering at");
            assertThat(redisServersIn(data)).hasSize(1).doesNotContain(orphan);
            assertAllSent(again, dir, taskIds);
            assertThat(again.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
        assertThat(redisServersIn(data)).isEmpty();
        assertThat(listening(6379)).isFalse();
        assertThat(data.resolve("embedded-redis.pid")).doesNotExist();
    }

    private static List<String> postTasks(MailerProcess mailer, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var accepted = mailer.postJson(Json.of(Map.of("destinataire", "bob" + i + "@example.org",
                    "sujet", "Tâche " + i, "message", "Bonjour " + i)));
            assertThat(accepted.statusCode()).isEqualTo(202);
            ids.add((String) Json.parse(accepted.body()).get("task_id"));
        }
        return ids;
    }

    private static void assertAllSent(MailerProcess mailer, Path dir, List<String> taskIds) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : taskIds) {
                assertThat(dir.resolve("outbox").resolve(id + ".eml")).exists();
                assertThat(Json.parse(mailer.get("/message/" + id).body())).containsEntry("status", "sent");
            }
        });
    }

    private static void killAndAwait(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(5)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
    }

    private static String redisLog(Path data) {
        try {
            return "redis.log:\n" + Files.readString(data.resolve("redis.log"));
        } catch (IOException e) {
            return "no redis.log: " + e;
        }
    }

    /** The pids of the redis-server processes (zombies aside) whose working directory is {@code dataDir}. */
    static List<Long> redisServersIn(Path dataDir) throws IOException {
        assumeThat(Path.of("/proc/self/cwd")).as("Linux /proc").exists();
        Path real = dataDir.toRealPath();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readString(p.resolve("comm")).startsWith("redis-server")
                            && Files.readSymbolicLink(p.resolve("cwd")).equals(real);
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).sorted().toList();
        }
    }

    @Test
    void should_refuse_to_start_on_an_explicit_redis_url_that_does_not_answer() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        int deadPort = FreePort.find();
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "camel-mailer.jar").toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("REDIS_URL", "redis://127.0.0.1:" + deadPort);
        builder.environment().put("MAILER_HTTP_PORT", Integer.toString(FreePort.find()));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        // Redis is connected on a thread of its own while Camel initialises: its failure must still stop the start
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(out).contains("cannot start: Redis at redis://127.0.0.1:" + deadPort + " does not answer")
                .doesNotContain("started an embedded Redis");
    }

    @Test
    void should_name_the_line_of_a_malformed_env_file() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        Files.writeString(dir.resolve(".env"), "SMTP_SERVER=localhost\nthis is not a setting\n");
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "camel-mailer.jar").toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).contains(".env:2");
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
