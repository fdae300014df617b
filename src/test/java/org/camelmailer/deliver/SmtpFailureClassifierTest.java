package org.camelmailer.deliver;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.apache.camel.CamelExecutionException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmtpFailureClassifierTest {

    private static SMTPAddressFailedException rcptFailed(int code, String text) throws AddressException {
        return new SMTPAddressFailedException(new InternetAddress("a@b.c"), "RCPT TO:<a@b.c>", code, text);
    }

    @Test
    void should_classify_nested_550_recipient_rejection_as_permanent() throws Exception {
        Exception chain = new SendFailedException("Invalid Addresses", rcptFailed(550, "5.1.1 user unknown"));

        DeliveryFailure failure = SmtpFailureClassifier.classify(chain);

        assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.PERMANENT, 550, "550 5.1.1 user unknown"));
    }

    @Test
    void should_classify_nested_451_as_transient() throws Exception {
        Exception chain = new SendFailedException("Invalid Addresses", rcptFailed(451, "451 4.7.1 Greylisted, try later\n"));

        DeliveryFailure failure = SmtpFailureClassifier.classify(chain);

        assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.TRANSIENT, 451, "451 4.7.1 Greylisted, try later"));
    }

    @Test
    void should_find_the_reply_code_under_camel_wrapping() throws Exception {
        Exception chain = new CamelExecutionException("Exception occurred during execution", null,
                new SendFailedException("Invalid Addresses", rcptFailed(552, "5.2.2 mailbox full")));

        assertThat(SmtpFailureClassifier.classify(chain).smtpCode()).isEqualTo(552);
    }

    @Test
    void should_prefer_the_recipient_reply_over_its_send_failed_wrapper() throws Exception {
        Exception chain = new SMTPSendFailedException("Invalid Addresses", 421, "421 closing",
                rcptFailed(550, "550 5.1.1 <a@b.c>: Recipient address rejected"), null, null, null);

        DeliveryFailure failure = SmtpFailureClassifier.classify(chain);

        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(failure.reason()).isEqualTo("550 5.1.1 <a@b.c>: Recipient address rejected");
    }

    @Test
    void should_classify_sender_rejection_by_its_code() throws Exception {
        Exception chain = new SMTPSenderFailedException(new InternetAddress("noreply@example.org"), "MAIL FROM", 553,
                "553 5.7.1 sender not allowed");

        assertThat(SmtpFailureClassifier.classify(chain).kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void should_classify_data_phase_4xx_as_transient() {
        Exception chain = new SMTPSendFailedException("DATA", 452, "452 4.3.1 Insufficient system storage", null,
                null, null, null);

        assertThat(SmtpFailureClassifier.classify(chain))
                .isEqualTo(new DeliveryFailure(FailureKind.TRANSIENT, 452, "452 4.3.1 Insufficient system storage"));
    }

    @Test
    void should_classify_connection_refused_as_transient() {
        Exception chain = new MessagingException("x", new ConnectException("Connection refused"));

        DeliveryFailure failure = SmtpFailureClassifier.classify(chain);

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(failure.smtpCode()).isNull();
        assertThat(failure.reason()).startsWith("connection refused");
    }

    @Test
    void should_classify_timeout_and_unknown_host_as_transient() {
        assertThat(SmtpFailureClassifier.classify(new MessagingException("x", new SocketTimeoutException("Read timed out"))).kind())
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(SmtpFailureClassifier.classify(new MessagingException("Unknown SMTP host: nowhere.invalid",
                new UnknownHostException("nowhere.invalid"))).kind())
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void should_classify_authentication_failure_as_permanent() {
        DeliveryFailure failure = SmtpFailureClassifier.classify(
                new CamelExecutionException("x", null, new AuthenticationFailedException("535 5.7.8 bad credentials")));

        assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.PERMANENT, null,
                "authentication failed: 535 5.7.8 bad credentials"));
    }

    @Test
    void should_classify_a_454_to_auth_as_transient_since_it_says_nothing_of_the_credentials() {
        DeliveryFailure failure = SmtpFailureClassifier.classify(new CamelExecutionException("x", null,
                new AuthenticationFailedException("454 4.7.0 Temporary authentication failure\n")));

        assertThat(failure).isEqualTo(new DeliveryFailure(FailureKind.TRANSIENT, 454,
                "authentication failed temporarily: 454 4.7.0 Temporary authentication failure"));
    }

    @Test
    void should_classify_bad_address_and_illegal_argument_as_permanent() {
        assertThat(SmtpFailureClassifier.classify(new AddressException("Illegal address", "a@@b")).kind())
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(SmtpFailureClassifier.classify(new IllegalArgumentException("subject must not contain CR or LF")).kind())
                .isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void should_classify_other_io_and_messaging_errors_as_transient() {
        assertThat(SmtpFailureClassifier.classify(new MessagingException("Exception reading response",
                new IOException("Connection reset"))))
                .isEqualTo(new DeliveryFailure(FailureKind.TRANSIENT, null, "Exception reading response (Connection reset)"));
    }

    @Test
    void should_keep_reason_to_one_line_without_credentials() {
        Exception chain = new MessagingException("Failed to send to smtp://bob:hunter2@mail.example.org?password=hunter2\n"
                + "\tat somewhere");

        String reason = SmtpFailureClassifier.classify(chain).reason();

        assertThat(reason).doesNotContain("hunter2").doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void should_terminate_on_a_cyclic_cause_chain() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);

        assertThat(SmtpFailureClassifier.classify(a).kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void should_list_each_recipient_refused_at_rcpt_to_with_its_reply() throws Exception {
        SMTPAddressFailedException gone = new SMTPAddressFailedException(new InternetAddress("gone@example.org"),
                "RCPT TO:<gone@example.org>", 550, "550 5.1.1 <gone@example.org>: user unknown\r\n");
        SMTPAddressFailedException later = new SMTPAddressFailedException(new InternetAddress("later@example.org"),
                "RCPT TO:<later@example.org>", 451, "4.7.1 greylisted");
        SMTPAddressFailedException full = new SMTPAddressFailedException(new InternetAddress("full@example.org"),
                "RCPT TO:<full@example.org>", 552, "552 5.2.2 mailbox full");
        gone.setNextException(later);
        later.setNextException(full);

        assertThat(SmtpFailureClassifier.refusedRecipients(new CamelExecutionException("failed", null,
                new SendFailedException("Invalid Addresses", gone)))).containsExactly(
                new RefusedRecipient("gone@example.org", 550, "550 5.1.1 <gone@example.org>: user unknown"),
                new RefusedRecipient("later@example.org", 451, "451 4.7.1 greylisted"),
                new RefusedRecipient("full@example.org", 552, "552 5.2.2 mailbox full"))
                .extracting(RefusedRecipient::permanent).containsExactly(true, false, false);
        assertThat(SmtpFailureClassifier.refusedRecipients(new SMTPSendFailedException("DATA", 554, "554 spam", null,
                null, null, null))).isEmpty();
        assertThat(SmtpFailureClassifier.refusedRecipients(null)).isEmpty();
    }
}
