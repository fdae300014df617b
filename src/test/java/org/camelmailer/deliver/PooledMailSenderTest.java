package org.camelmailer.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.deliver.MailComposerTest.TEXT;
import static org.camelmailer.deliver.MailComposerTest.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.mail.internet.MimeMessage;

import org.apache.camel.impl.DefaultCamelContext;
import org.camelmailer.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pooled sender against a scripted SMTP server that behaves as a strict, slow or busy Postfix does. */
class PooledMailSenderTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private final ScriptedSmtpServer server = new ScriptedSmtpServer();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final MailComposer composer = new MailComposer("noreply@example.org");

    @AfterEach
    void stop() throws Exception {
        server.close();
        camel.close();
    }

    private PooledMailSender sender(Duration dataTimeout) {
        return sender(dataTimeout, null, null, new SmtpCircuit(Duration.ofMinutes(10)));
    }

    private PooledMailSender sender(Duration dataTimeout, String login, String password, SmtpCircuit circuit) {
        return SmtpTransport.register(camel, "127.0.0.1", server.port(), SmtpTransport.Security.NONE, login, password,
                null, "client.example.org", COMMAND_TIMEOUT, dataTimeout, limits(4), circuit);
    }

    /** Sends one mail from each of {@code threads} threads at once; what each threw, or null. */
    private static List<Throwable> sendAtOnce(PooledMailSender sender, int threads, Function<Integer, MimeMessage> mail)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Throwable>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return catchThrowable(() -> sender.send(mail.apply(n)));
                }));
            }
            start.countDown();
            List<Throwable> thrown = new ArrayList<>();
            for (Future<Throwable> f : results) {
                thrown.add(f.get(30, TimeUnit.SECONDS));
            }
            return thrown;
        } finally {
            pool.shutdownNow();
        }
    }

    private static PooledMailSender.Limits limits(int connections) {
        return PooledMailSender.Limits.of(connections, COMMAND_TIMEOUT, Duration.ofMillis(100));
    }

    private MimeMessage mail(String id) {
        return composer.compose(task(id, "alice@example.com", "Réunion", TEXT), null);
    }

    @Test
    void should_wait_for_a_slow_reply_to_the_final_dot_beyond_the_command_timeout() throws Exception {
        server.slowEndOfData(Duration.ofMillis(2500));
        PooledMailSender sender = sender(Duration.ofSeconds(10));

        sender.send(mail("slow-filter"));

        assertThat(server.copiesByMessageId()).containsExactly(java.util.Map.entry("slow-filter@example.org", 1L));
    }

    @Test
    void should_keep_the_command_timeout_for_every_other_reply() {
        server.slowRcpt(Duration.ofSeconds(3));
        PooledMailSender sender = sender(Duration.ofSeconds(10));

        Throwable thrown = catchThrowable(() -> sender.send(mail("slow-rcpt")));

        assertThat(SmtpFailureClassifier.classify(thrown)).satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(f.reason()).isEqualTo("timed out");
        });
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void should_not_send_again_on_a_fresh_connection_when_the_final_dot_is_never_answered() throws Exception {
        PooledMailSender sender = sender(Duration.ofSeconds(1));
        sender.send(mail("first"));
        server.slowEndOfData(Duration.ofSeconds(4));

        // on the pooled connection: the reply to the final dot does not come within SMTP_DATA_TIMEOUT
        Throwable thrown = catchThrowable(() -> sender.send(mail("unanswered")));

        assertThat(thrown).isInstanceOf(UncertainDeliveryException.class);
        DeliveryFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.kind()).isEqualTo(FailureKind.UNCERTAIN);
        assertThat(failure.reason()).startsWith("uncertain: no reply to the end of the message within 1 s")
                .contains("may have accepted it");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> server.copiesByMessageId().get("unanswered@example.org") == 1L);
        assertThat(server.connections()).as("no second connection to send it again").isEqualTo(1);
    }

    @Test
    void should_try_a_refused_login_once_with_quit_and_pause_until_a_probe_gets_through() throws Exception {
        server.login("mailer", "right-password");
        SmtpCircuit circuit = new SmtpCircuit(Duration.ofSeconds(2));
        PooledMailSender sender = sender(Duration.ofSeconds(10), "mailer", "wrong-password", circuit);

        List<Throwable> thrown = sendAtOnce(sender, 4, n -> mail("t" + n));

        assertThat(thrown).hasSize(4).allSatisfy(t -> {
            DeliveryFailure failure = SmtpFailureClassifier.classify(t);
            assertThat(failure.kind()).isEqualTo(FailureKind.POSTPONED);
            assertThat(failure.reason()).contains("535 5.7.8").doesNotContain("wrong-password");
            assertThat(failure.retryAfter()).isPositive();
        });
        assertThat(server.loginsFailed()).as("one failed login, not one per thread (nor two each)").isEqualTo(1);
        assertThat(server.quits()).as("QUIT after it").isEqualTo(1);
        assertThat(server.droppedWithoutQuit()).isZero();
        assertThat(circuit.state().reason()).isEqualTo("the server refused the login of SMTP_LOGIN=mailer: "
                + "535 5.7.8 Error: authentication failed: authentication failure");

        // the account's password is changed to the configured one: the next probe logs in and delivery resumes
        server.login("mailer", "wrong-password");
        await().atMost(Duration.ofSeconds(10)).until(() -> !circuit.isOpen());
        sender.send(mail("after"));

        assertThat(server.loginsFailed()).isEqualTo(1);
        assertThat(server.copiesByMessageId()).containsOnlyKeys("after@example.org");
    }

    @Test
    void should_fail_and_pause_when_the_server_refuses_the_ehlo_name() {
        server.requireFqdnHelo(true);
        SmtpCircuit circuit = new SmtpCircuit(Duration.ofMinutes(10));
        PooledMailSender sender = SmtpTransport.register(camel, "127.0.0.1", server.port(), SmtpTransport.Security.NONE,
                null, null, null, "localhost", COMMAND_TIMEOUT, Duration.ofSeconds(10), limits(4), circuit);

        Throwable thrown = catchThrowable(() -> sender.send(mail("t1")));

        assertThat(SmtpFailureClassifier.classify(thrown)).satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.reason()).startsWith("the server refused EHLO localhost: 504 5.5.2 <localhost>: Helo command "
                    + "rejected: need fully-qualified hostname (SMTP_HELO_NAME sets the name");
        });
        assertThat(circuit.isOpen()).isTrue();
        assertThat(server.quits()).isEqualTo(1);
        assertThat(SmtpFailureClassifier.classify(catchThrowable(() -> sender.send(mail("t2")))).kind())
                .as("the next mail waits").isEqualTo(FailureKind.POSTPONED);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void should_close_an_idle_connection_with_quit_before_the_server_times_it_out() throws Exception {
        server.idleTimeout(Duration.ofSeconds(2));
        PooledMailSender sender = SmtpTransport.register(camel, "127.0.0.1", server.port(), SmtpTransport.Security.NONE,
                null, null, null, "client.example.org", COMMAND_TIMEOUT, Duration.ofSeconds(10),
                new PooledMailSender.Limits(4, Duration.ofMillis(500), COMMAND_TIMEOUT, Duration.ofMillis(100),
                        PooledMailSender.GROW_EVERY), new SmtpCircuit(Duration.ofMinutes(10)));

        sender.send(mail("t1"));

        await().atMost(Duration.ofSeconds(2)).until(() -> server.quits() == 1);
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(3)).until(() -> server.idleTimeouts() == 0);
        assertThat(server.droppedWithoutQuit()).isZero();
        sender.send(mail("t2"));
        assertThat(server.connections()).as("a new connection for the next mail").isEqualTo(2);
    }

    @Test
    void should_close_every_idle_connection_with_quit_when_the_service_stops() throws Exception {
        PooledMailSender sender = sender(Duration.ofSeconds(10));
        sendAtOnce(sender, 3, n -> mail("t" + n));
        assertThat(server.openConnections()).isPositive();

        sender.closeIdle();

        await().atMost(Duration.ofSeconds(2)).until(() -> server.openConnections() == 0);
        assertThat(server.quits()).isEqualTo(server.connections());
        assertThat(server.droppedWithoutQuit()).isZero();
    }

    @Test
    void should_take_a_421_from_the_third_connection_as_back_pressure_open_fewer_and_grow_back() throws Exception {
        server.refuseFrom(3, "421 4.7.0 scripted.example Error: too many connections from 127.0.0.1")
                .slowEndOfData(Duration.ofMillis(100));
        PooledMailSender sender = SmtpTransport.register(camel, "127.0.0.1", server.port(), SmtpTransport.Security.NONE,
                null, null, null, "client.example.org", COMMAND_TIMEOUT, Duration.ofSeconds(10),
                new PooledMailSender.Limits(8, Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofMillis(100),
                        Duration.ofSeconds(2)), new SmtpCircuit(Duration.ofMinutes(10)));

        List<Throwable> thrown = new ArrayList<>();
        for (int burst = 0; burst < 3; burst++) {
            int b = burst;
            thrown.addAll(sendAtOnce(sender, 8, n -> mail("b" + b + "-" + n)));
        }

        assertThat(thrown).filteredOn(t -> t != null).isNotEmpty().allSatisfy(t -> {
            DeliveryFailure failure = SmtpFailureClassifier.classify(t);
            assertThat(failure.kind()).as("%s", t).isEqualTo(FailureKind.POSTPONED);
            assertThat(failure.reason()).startsWith("postponed: 421 4.7.0 scripted.example Error: too many connections")
                    .contains("the server asks for fewer connections");
            assertThat(failure.retryAfter()).isEqualTo(Duration.ofMillis(100));
        });
        assertThat(sender.allowedConnections()).isEqualTo(2);
        int refused = server.refused();
        assertThat(refused).as("a burst's refusals halve the pool once, not once each").isLessThanOrEqualTo(8);
        assertThat(server.quits()).as("QUIT after each refused greeting").isGreaterThanOrEqualTo(refused);
        assertThat(server.droppedWithoutQuit()).isZero();

        // at two connections the server refuses none
        assertThat(sendAtOnce(sender, 8, n -> mail("calm-" + n))).containsOnlyNulls();
        assertThat(server.refused()).isEqualTo(refused);
        // and the pool grows back when the server has said nothing for a while
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.allowedConnections() == 3);
    }
}
