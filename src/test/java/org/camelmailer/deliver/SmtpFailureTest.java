package org.camelmailer.deliver;

import java.net.InetAddress;
import java.net.ServerSocket;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelmailer.support.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.camelmailer.deliver.MailComposerTest.task;

/** Real failed sends through camel-mail, classified from the exceptions Camel and Angus actually throw. */
class SmtpFailureTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer", "right-password"));

    private CamelContext camel;
    private ProducerTemplate producer;
    private final MimeMessage message = new MailComposer("noreply@example.org").compose(task(), null);

    @BeforeEach
    void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() throws Exception {
        camel.close();
    }

    private DeliveryFailure sendAndClassify(String uri) {
        Throwable thrown = catchThrowable(() -> producer.sendBody(uri, message));
        assertThat(thrown).as("send to %s should fail", uri).isNotNull();
        return SmtpFailureClassifier.classify(thrown);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void should_classify_a_closed_port_as_transient_connection_refused() throws Exception {
        int port = closedPort();

        DeliveryFailure failure = sendAndClassify("smtp://127.0.0.1:" + port + "?connectionTimeout=2000");

        assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.TRANSIENT, null,
                "connection refused: 127.0.0.1:" + port));
    }

    @Test
    void should_classify_a_real_550_recipient_rejection_as_permanent() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()
                .rcptReply("550 5.1.1 <alice@example.com>: Recipient address rejected")) {

            DeliveryFailure failure = sendAndClassify("smtp://127.0.0.1:" + server.port() + "?connectionTimeout=2000");

            assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.PERMANENT, 550,
                    "550 5.1.1 <alice@example.com>: Recipient address rejected"));
        }
    }

    @Test
    void should_classify_a_real_451_greylisting_as_transient() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()
                .rcptReply("451 4.7.1 Greylisted, try again later")) {

            DeliveryFailure failure = sendAndClassify("smtp://127.0.0.1:" + server.port() + "?connectionTimeout=2000");

            assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(failure.smtpCode()).isEqualTo(451);
        }
    }

    @Test
    void should_classify_a_real_554_after_data_as_permanent() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()
                .dataReply("554 5.7.1 Message rejected as spam")) {

            DeliveryFailure failure = sendAndClassify("smtp://127.0.0.1:" + server.port() + "?connectionTimeout=2000");

            assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.PERMANENT, 554,
                    "554 5.7.1 Message rejected as spam"));
        }
    }

    @Test
    void should_classify_a_real_454_to_auth_as_transient() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().login("mailer", "right-password")
                .authReply("454 4.7.0 Temporary authentication failure")) {

            DeliveryFailure failure = sendAndClassify("smtp://127.0.0.1:" + server.port()
                    + "?username=mailer&password=right-password&connectionTimeout=2000");

            assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.TRANSIENT, 454,
                    "authentication failed temporarily: 454 4.7.0 Temporary authentication failure"));
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void should_classify_wrong_credentials_as_permanent_without_leaking_the_password() throws Exception {
        DeliveryFailure failure = sendAndClassify("smtp://127.0.0.1:" + greenMail.getSmtp().getPort()
                + "?username=mailer&password=wrong-password&connectionTimeout=2000");

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(failure.reason()).startsWith("authentication failed").doesNotContain("wrong-password");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}
