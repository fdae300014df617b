package org.camelmailer.deliver;

import java.util.List;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
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

    /** The header lines of a received message as the server stored them (folded lines kept apart). */
    static List<String> rawHeaderLines(MimeMessage received) {
        String raw = GreenMailUtil.getWholeMessage(received);
        return List.of(raw.substring(0, raw.indexOf("\r\n\r\n")).split("\r\n"));
    }

    @Test
    void should_deliver_a_non_ascii_sender_name_encoded_not_as_raw_utf8() throws Exception {
        producer.sendBody(smtpUri(), new MailComposer("Équipe Mailer <mailer@example.org>").compose(task(), null));

        MimeMessage received = receivedOne();
        List<String> from = MailComposerTest.headerLines(rawHeaderLines(received), "From");
        assertThat(from).isNotEmpty().allSatisfy(line -> assertThat(line).matches("\\p{ASCII}*"));
        assertThat(from.get(0)).startsWith("From: =?UTF-8?B?");
        assertThat(((InternetAddress) received.getFrom()[0]).getPersonal()).isEqualTo("Équipe Mailer");
        assertThat(((InternetAddress) received.getFrom()[0]).getAddress()).isEqualTo("mailer@example.org");
    }

    @Test
    void should_deliver_a_998_character_subject_without_spaces_in_lines_of_at_most_78_characters() throws Exception {
        String subject = "x".repeat(998);

        producer.sendBody(smtpUri(), new MailComposer("noreply@example.org")
                .compose(task("t1", "alice@example.com", subject, TEXT), null));

        MimeMessage received = receivedOne();
        assertThat(MailComposerTest.headerLines(rawHeaderLines(received), "Subject"))
                .hasSizeGreaterThan(1).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(78));
        assertThat(rawHeaderLines(received)).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(998));
        assertThat(received.getSubject()).isEqualTo(subject);
    }

    @Test
    void should_deliver_a_subject_that_looks_like_an_encoded_word_so_it_reads_literally() throws Exception {
        String subject = "=?UTF-8?B?SGFjaw==?= literal";

        producer.sendBody(smtpUri(), new MailComposer("noreply@example.org")
                .compose(task("t1", "alice@example.com", subject, TEXT), null));

        MimeMessage received = receivedOne();
        assertThat(String.join("", MailComposerTest.headerLines(rawHeaderLines(received), "Subject")))
                .startsWith("Subject: =?UTF-8?B?").doesNotContain("SGFjaw==?=");
        assertThat(received.getSubject()).isEqualTo(subject).isNotEqualTo("Hack literal");
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
