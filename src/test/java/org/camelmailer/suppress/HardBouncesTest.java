package org.camelmailer.suppress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.apache.camel.CamelExecutionException;
import org.camelmailer.config.SecretRedactor;
import org.camelmailer.config.Settings;
import org.camelmailer.message.MailTask;
import org.camelmailer.support.RedisServerExtension;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The step of worker-errors that puts recipients refused for good on the list, against a real redis-server. */
class HardBouncesTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    SuppressionList list;

    @BeforeEach
    void emptyList() {
        list = new SuppressionList(REDIS.redis());
    }

    static SMTPAddressFailedException rcpt(String address, int code, String text) throws AddressException {
        return new SMTPAddressFailedException(new InternetAddress(address), "RCPT TO:<" + address + ">", code, text);
    }

    static MailTask task(String id) {
        return new MailTask(id, "x@example.org", "Sujet", "Bonjour", false, 0, "2026-01-01T00:00:00Z");
    }

    HardBounces bounces() {
        return new HardBounces(list, new SecretRedactor(Settings.of(Map.of("SMTP_PASSWORD", "hunter2-secret"))));
    }

    @Test
    void should_suppress_only_the_recipients_refused_for_good_at_rcpt_to() throws Exception {
        // Angus Mail chains one exception per refused address under the SendFailedException
        SMTPAddressFailedException first = rcpt("gone@example.org", 550,
                "550 5.1.1 <gone@example.org>: user unknown (hunter2-secret)\r\n");
        SMTPAddressFailedException greylisted = rcpt("later@example.org", 451, "451 4.7.1 try later");
        SMTPAddressFailedException full = rcpt("full@example.org", 552, "552 5.2.2 mailbox full");
        SMTPAddressFailedException last = rcpt("Moved@Example.org", 551, "551 5.1.6 user moved");
        first.setNextException(greylisted);
        greylisted.setNextException(full);
        full.setNextException(last);
        Exception caught = new CamelExecutionException("failed", null,
                new SendFailedException("Invalid Addresses", first));

        bounces().record(caught, task("t-9"));

        assertThat(list.list()).extracting(e -> e.get("email")).containsExactly("gone@example.org", "moved@example.org");
        assertThat(list.list().get(0)).containsEntry("task_id", "t-9")
                .containsEntry("reason", "550 5.1.1 <gone@example.org>: user unknown (***)");
        assertThat(list.list().get(1)).containsEntry("reason", "551 5.1.6 user moved");
    }

    @Test
    void should_suppress_nobody_for_a_refusal_of_mail_from_or_data() throws Exception {
        bounces().record(new SMTPSenderFailedException(new InternetAddress("me@example.org"), "MAIL FROM:<me@example.org>",
                550, "550 5.7.1 sender refused"), task("t-1"));
        bounces().record(new SMTPSendFailedException("DATA", 554, "554 5.7.1 spam", null, null, null, null),
                task("t-2"));
        bounces().record(null, null);

        assertThat(list.list()).isEmpty();
    }

    @Test
    void should_go_on_when_redis_cannot_take_the_entry() throws Exception {
        REDIS.server().stop();
        try {
            // the next step of worker-errors (TaskLifecycle.failed) still runs: nothing is thrown
            bounces().record(new SendFailedException("Invalid Addresses",
                    rcpt("gone@example.org", 550, "550 user unknown")), task("t-1"));
        } finally {
            REDIS.server().start();
        }
        assertThat(list.list()).isEmpty();
    }
}
