package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.support.GeminiStub.fixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.GeminiStub;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operating the packaged service: JMX, roles and scale-out, graceful shutdown, routes edited without a build. */
class OperationsIT {

    RedisServerProcess redis;
    GreenMail smtp;

    @BeforeEach
    void start() {
        redis = new RedisServerProcess();
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
    }

    @AfterEach
    void stop() {
        smtp.stop();
        redis.close();
    }

    Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", redis.url(),
                "MAILER_HTTP_PORT", Integer.toString(FreePort.find()),
                "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()),
                "SMTP_SECURITY", "none"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    static String post(MailerProcess mailer, String subject) throws Exception {
        var r = mailer.postJson(Json.of(Map.of("destinataire", "ops@example.org", "sujet", subject, "message", "Bonjour")));
        assertThat(r.statusCode()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    /** How many times each Message-ID (hence each task) reached the SMTP server. */
    Map<String, Long> deliveries() {
        return Arrays.stream(smtp.getReceivedMessages()).collect(Collectors.groupingBy(m -> {
            try {
                return ((MimeMessage) m).getMessageID();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }, Collectors.counting()));
    }

    @Test
    void should_suspend_and_resume_the_worker_over_remote_jmx() throws Exception {
        int jmxPort = FreePort.find();
        List<String> jmx = List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false");
        try (MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), env(), jmx, "/");
             JMXConnector connector = JMXConnectorFactory.connect(
                     new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Set<ObjectName> routes = server.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
            assertThat(routes).extracting(n -> n.getKeyProperty("name"))
                    .contains("\"worker-take-task\"", "\"api-accept-message\"", "\"deliver-mail\"");
            ObjectName worker = routes.stream().filter(n -> n.getKeyProperty("name").equals("\"worker-take-task\""))
                    .findFirst().orElseThrow();

            server.invoke(worker, "suspend", null, null);
            assertThat(server.getAttribute(worker, "State")).isEqualTo("Suspended");
            String taskId = post(mailer, "pendant la suspension");
            // a delivery, if the worker were running, takes well under this
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> smtp.getReceivedMessages().length == 0);
            assertThat(Json.parse(mailer.get("/message/" + taskId).body())).containsEntry("status", "queued");
            // a pause, not a failure: the process stays in a load balancer's rotation
            assertThat(mailer.get("/observe/health/ready").statusCode()).isEqualTo(200);

            server.invoke(worker, "resume", null, null);
            assertThat(smtp.waitForIncomingEmail(15_000, 1)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) server.getAttribute(worker, "ExchangesCompleted")).longValue() >= 1);
        }
    }

    @Test
    void should_deliver_every_task_once_with_one_api_and_two_worker_processes() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        int tasks = 200;
        try (MailerProcess api = MailerProcess.start(dir, env("MAILER_ROLE", "api"));
             MailerProcess worker1 = MailerProcess.start(dir, env("MAILER_ROLE", "worker", "MAILER_WORKER_CONCURRENCY", "4"),
                     List.of(), "/observe/health/ready");
             MailerProcess worker2 = MailerProcess.start(dir, env("MAILER_ROLE", "worker", "MAILER_WORKER_CONCURRENCY", "4"),
                     List.of(), "/observe/health/ready")) {
            assertThat(worker1.get("/").statusCode()).as("a worker serves no API").isEqualTo(404);
            assertThat(api.output()).doesNotContain("Started worker-take-task");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                ids.add(post(api, "lot " + i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> smtp.getReceivedMessages().length >= tasks);
            // a duplicate would arrive right behind
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> smtp.getReceivedMessages().length == tasks);
            Map<String, Long> counts = deliveries();
            assertThat(counts).hasSize(tasks).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            assertThat(worker1.output()).contains("sent");
            assertThat(worker2.output()).contains("sent");
        }
    }

    @Test
    void should_finish_or_hand_back_in_flight_tasks_on_sigterm_and_exit_0() throws Exception {
        try (GeminiStub gemini = new GeminiStub()) {
            gemini.answers(fixture(200, "200-ok.json").withFixedDelay(400));
            Path dir = MailerProcess.workingDirectory();
            Map<String, String> env = env("GEMINI_API_KEY", "k", "GEMINI_BASE_URL", gemini.baseUrl(),
                    "MAILER_GEMINI_CONCURRENCY", "2", "MAILER_SHUTDOWN_TIMEOUT", "1s");
            int tasks = 30;
            List<String> ids = new ArrayList<>();
            MailerProcess first = MailerProcess.start(dir, env);
            for (int i = 0; i < tasks; i++) {
                var r = first.postJson(Json.of(Map.of("destinataire", "ops@example.org", "sujet", "lot " + i,
                        "message", "Bonjour", "enhance_content", true)));
                ids.add((String) Json.parse(r.body()).get("task_id"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length >= 3);
            long started = System.nanoTime();
            int exit = first.stop();
            assertThat(exit).as("exit code after SIGTERM").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            int deliveredBefore = smtp.getReceivedMessages().length;
            assertThat(deliveredBefore).as("stopped in the middle of the batch").isLessThan(tasks);
            // enhanced tasks: their own queue
            assertThat(redis.redis().opsForZSet().zCard("mailer:queue:enhance:inflight")).as("nothing left held").isZero();

            try (MailerProcess second = MailerProcess.start(dir, env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> smtp.getReceivedMessages().length >= tasks);
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> smtp.getReceivedMessages().length == tasks);
                Map<String, Long> counts = deliveries();
                assertThat(counts).hasSize(tasks).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            }
        }
    }

    @Test
    void should_pick_up_a_new_route_file_after_a_restart_and_live_edits_with_reload_on() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        Path extra = dir.resolve("routes").resolve("hello.camel.yaml");
        Function<String, String> route = body -> """
                - route:
                    id: ops-hello
                    from:
                      uri: platform-http:/hello
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(body);
        Files.writeString(extra, route.apply("v1"));
        Map<String, String> env = env("MAILER_ROUTES_RELOAD", "true");
        try (MailerProcess mailer = MailerProcess.start(dir, env)) {
            assertThat(mailer.get("/hello").body()).isEqualTo("v1");

            Files.writeString(extra, route.apply("v2"));
            await().atMost(Duration.ofSeconds(20)).until(() -> "v2".equals(mailer.get("/hello").body()));

            Files.writeString(extra, "- route:\n    id: ops-hello\n    from:\n      uri: platform-http:/hello\n      steps:\n        - setBody: [unclosed\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> mailer.output().contains("file:routes/hello.camel.yaml, line 6"));
            assertThat(mailer.get("/hello").body()).as("the running routes stay").isEqualTo("v2");
            assertThat(mailer.get("/").statusCode()).isEqualTo(200);
            assertThat(post(mailer, "toujours là")).isNotBlank();
        }
    }
}
