package org.camelmailer.deliver;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camelmailer.deliver.MailComposerTest.HTML;
import static org.camelmailer.deliver.MailComposerTest.SUBJECT;
import static org.camelmailer.deliver.MailComposerTest.TEXT;
import static org.camelmailer.deliver.MailComposerTest.task;

/** The composed message through a real camel-mail producer into a real SMTP server (GreenMail). */
class SmtpDeliveryTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private CamelContext camel;
    private ProducerTemplate producer;

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

    private String smtpUri() {
        return "smtp://127.0.0.1:" + greenMail.getSmtp().getPort() + "?connectionTimeout=5000";
    }

    private MimeMessage receivedOne() {
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        return received[0];
    }

    @Test
    void should_deliver_the_composed_message_as_is() throws Exception {
        MimeMessage composed = new MailComposer("noreply@example.org").compose(task(), HTML);

        producer.sendBody(smtpUri(), composed);

        MimeMessage received = receivedOne();
        assertThat(received.getMessageID()).isEqualTo("<task-42@example.org>");
        assertThat(received.getSubject()).isEqualTo(SUBJECT);
        MimeMultipart parts = (MimeMultipart) received.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo(TEXT);
        assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
        assertThat(parts.getBodyPart(1).getContent()).isEqualTo(HTML);
        assertThat(greenMail.getReceivedMessagesForDomain("example.com")).hasSize(1);
    }

    @Test
    void should_not_turn_exchange_headers_into_mail_headers_for_a_mime_body() throws Exception {
        MimeMessage composed = new MailComposer("noreply@example.org").compose(task(), null);

        producer.sendBodyAndHeader(smtpUri(), composed, "X-Leak", "from-the-exchange");

        MimeMessage received = receivedOne();
        assertThat(received.getHeader("X-Leak")).isNull();
        assertThat(received.getContent()).isEqualTo(TEXT);
    }
}
