package org.camelmailer.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.camelmailer.deliver.MailComposerTest.TEXT;
import static org.camelmailer.deliver.MailComposerTest.task;

import java.time.Duration;

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
        return SmtpTransport.register(camel, "127.0.0.1", server.port(), SmtpTransport.Security.NONE, null, null, null,
                "client.example.org", COMMAND_TIMEOUT, dataTimeout, 4);
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
}
