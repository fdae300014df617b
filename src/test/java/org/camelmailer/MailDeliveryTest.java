package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.camelmailer.support.FreePort;
import org.camelmailer.support.Json;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.support.RunningMailer;
import org.camelmailer.support.TlsSmtpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Mail as a real SMTP server receives it: plain SMTP, SMTPS, STARTTLS + AUTH, and the failure paths. */
class MailDeliveryTest {

    static final String SUBJECT = "Réunion d'été — compte rendu";
    static final String TEXT = "Bonjour,\n\nVoici le compte rendu : budget validé.\n\nCordialement,\nAlice";

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static String post(RunningMailer mailer, String to) {
        var r = mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", SUBJECT, "message", TEXT)));
        assertThat(r.statusCode()).isEqualTo(202);
        return (String) Json.parse(r.body()).get("task_id");
    }

    static Map<String, Object> status(RunningMailer mailer, String taskId) {
        return Json.parse(mailer.get("/message/" + taskId).body());
    }

    @Test
    void should_deliver_over_plain_smtp_with_utf8_subject_and_body() throws Exception {
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()),
                "SMTP_SECURITY", "none", "SENDER_EMAIL", "noreply@example.org"))) {
            String taskId = post(mailer, "alice@example.org");

            assertThat(smtp.waitForIncomingEmail(15_000, 1)).isTrue();
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getFrom()).containsExactly(new InternetAddress("noreply@example.org"));
            assertThat(mail.getAllRecipients()).containsExactly(new InternetAddress("alice@example.org"));
            assertThat(mail.getSubject()).isEqualTo(SUBJECT);
            assertThat(mail.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
            assertThat(((String) mail.getContent()).replace("\r\n", "\n")).isEqualTo(TEXT);
            assertThat(mail.getMessageID()).isEqualTo("<" + taskId + "@example.org>");
            assertThat(mail.getSentDate()).isNotNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(mailer, taskId).get("status")));
        } finally {
            smtp.stop();
        }
    }

    /**
     * Addresses a TLD list refused (special-use .test, private-use .internal, single-label localhost), a display name
     * with an IDN domain, and header text that broke raw lines, through the whole service to a real SMTP server.
     */
    @Test
    void should_mail_special_use_private_and_single_label_domains_with_every_header_line_intact() throws Exception {
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        Map<String, String> subjects = Map.of(
                "qa@example.test", SUBJECT,
                "ops@corp.internal", "=?UTF-8?B?SGFjaw==?= literal",
                "root@localhost", "x".repeat(998),
                "zoe@xn--mller-kva.example", "Réunion " + "très ".repeat(150) + "longue");
        Map<String, String> destinataires = Map.of(
                "qa@example.test", "qa@example.test",
                "ops@corp.internal", "ops@corp.internal",
                "root@localhost", "root@localhost",
                "zoe@xn--mller-kva.example", "Zoë Müller <zoe@müller.example>");
        try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()),
                "SMTP_SECURITY", "none", "SENDER_EMAIL", "Équipe Mailer <mailer@example.org>"))) {
            List<String> taskIds = new ArrayList<>();
            destinataires.forEach((address, to) -> {
                var r = mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", subjects.get(address),
                        "message", TEXT)));
                assertThat(r.statusCode()).as(to + ": " + r.body()).isEqualTo(202);
                taskIds.add((String) Json.parse(r.body()).get("task_id"));
            });

            assertThat(smtp.waitForIncomingEmail(15_000, 4)).isTrue();
            assertThat(smtp.getUserManager().listUser()).as("RCPT TO, as the server took it")
                    .extracting(GreenMailUser::getEmail).containsExactlyInAnyOrderElementsOf(subjects.keySet());
            for (MimeMessage mail : smtp.getReceivedMessages()) {
                InternetAddress to = (InternetAddress) mail.getAllRecipients()[0];
                assertThat(mail.getSubject()).isEqualTo(subjects.get(to.getAddress()));
                assertThat(((InternetAddress) mail.getFrom()[0]).getPersonal()).isEqualTo("Équipe Mailer");
                String raw = GreenMailUtil.getWholeMessage(mail);
                List<String> headerLines = List.of(raw.substring(0, raw.indexOf("\r\n\r\n")).split("\r\n"));
                assertThat(headerLines).as("the raw header lines as received").allSatisfy(line -> assertThat(line)
                        .matches("\\p{ASCII}*").hasSizeLessThanOrEqualTo(78));
            }
            InternetAddress zoe = (InternetAddress) smtp.getReceivedMessagesForDomain("xn--mller-kva.example")[0]
                    .getAllRecipients()[0];
            assertThat(zoe.getPersonal()).isEqualTo("Zoë Müller");
            for (String taskId : taskIds) {
                await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(mailer, taskId).get("status")));
            }
        } finally {
            smtp.stop();
        }
    }

    @Test
    void should_deliver_over_smtps_with_a_self_signed_certificate() throws Exception {
        GreenMail smtps = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
        smtps.start();
        try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(smtps.getSmtps().getPort()),
                "SMTP_SECURITY", "ssl", "SMTP_SSL_TRUST", "*", "SENDER_EMAIL", "noreply@example.org"))) {
            post(mailer, "bob@example.org");

            assertThat(smtps.waitForIncomingEmail(15_000, 1)).isTrue();
            assertThat(smtps.getReceivedMessages()[0].getSubject()).isEqualTo(SUBJECT);
        } finally {
            smtps.stop();
        }
    }

    @Test
    void should_deliver_over_required_starttls_with_auth() throws Exception {
        try (TlsSmtpServer smtp = new TlsSmtpServer("mailer", "s3cret", Set.of());
             RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                     "SMTP_SERVER", "localhost", "SMTP_PORT", Integer.toString(smtp.port()),
                     "SMTP_SECURITY", "starttls", "SMTP_SSL_TRUST", "*",
                     "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret", "SENDER_EMAIL", "noreply@example.org"))) {
            post(mailer, "carol@example.org");

            await().atMost(Duration.ofSeconds(15)).until(() -> smtp.received().size() == 1);
            TlsSmtpServer.Received received = smtp.received().get(0);
            assertThat(received.user()).isEqualTo("mailer");
            assertThat(received.recipients()).containsExactly("carol@example.org");
            MimeMessage mail = new MimeMessage(Session.getInstance(new java.util.Properties()),
                    new ByteArrayInputStream(received.raw().getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(mail.getSubject()).isEqualTo(SUBJECT);
        }
    }

    @Test
    void should_reuse_smtp_connections_and_replace_one_the_server_dropped() throws Exception {
        int port = FreePort.find();
        try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                "SMTP_SERVER", "localhost", "SMTP_PORT", Integer.toString(port), "SMTP_SSL_TRUST", "*",
                "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret", "MAILER_WORKER_CONCURRENCY", "1"))) {
            try (TlsSmtpServer smtp = new TlsSmtpServer(port, "mailer", "s3cret", Set.of())) {
                for (int i = 0; i < 5; i++) {
                    post(mailer, "reuse" + i + "@example.org");
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> smtp.received().size() == 5);
                assertThat(smtp.received().stream().map(TlsSmtpServer.Received::sessionId).distinct())
                        .as("one worker thread, one connection").hasSize(1);
            }
            // the server went away and came back: the pooled connection is dead, the next mail still goes out
            try (TlsSmtpServer again = new TlsSmtpServer(port, "mailer", "s3cret", Set.of())) {
                String taskId = post(mailer, "after-restart@example.org");
                await().atMost(Duration.ofSeconds(15)).until(() -> again.received().size() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(mailer, taskId).get("status")));
                assertThat(status(mailer, taskId).get("attempts")).as("no retry needed").isEqualTo(1);
            }
        }
    }

    @Test
    void should_not_fall_back_to_plain_text_when_starttls_is_required_but_not_offered() throws Exception {
        GreenMail plain = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        plain.start();
        try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(plain.getSmtp().getPort()),
                "SMTP_SECURITY", "starttls", "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret",
                "MAILER_RETRY_DELAY", "100ms", "MAILER_MAX_ATTEMPTS", "2"))) {
            String taskId = post(mailer, "dave@example.org");

            await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(status(mailer, taskId).get("status")));
            assertThat((String) status(mailer, taskId).get("error")).containsIgnoringCase("STARTTLS");
            assertThat(status(mailer, taskId)).as("a configuration error: not retried").containsEntry("attempts", 1);
            assertThat(plain.getReceivedMessages()).isEmpty();
        } finally {
            plain.stop();
        }
    }

    @Test
    void should_fail_a_rejected_recipient_at_once_and_dead_letter_it() throws Exception {
        try (TlsSmtpServer smtp = new TlsSmtpServer("mailer", "s3cret", Set.of("nobody@example.org"));
             RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                     "SMTP_SERVER", "localhost", "SMTP_PORT", Integer.toString(smtp.port()),
                     "SMTP_SSL_TRUST", "*", "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret"))) {
            String taskId = post(mailer, "nobody@example.org");

            await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(status(mailer, taskId).get("status")));
            Map<String, Object> status = status(mailer, taskId);
            assertThat(status.get("attempts")).isEqualTo(1);
            assertThat((String) status.get("error")).startsWith("550");
            assertThat(redis.redis().opsForList().range("mailer:dead", 0, -1))
                    .singleElement().asString().contains(taskId);
        }
    }

    @Test
    void should_retry_while_the_smtp_server_is_down_and_deliver_when_it_is_back() throws Exception {
        int port = FreePort.find();
        try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_URL", redis.url(),
                "SMTP_SERVER", "127.0.0.1", "SMTP_PORT", Integer.toString(port), "SMTP_SECURITY", "none",
                "MAILER_RETRY_DELAY", "200ms", "MAILER_RETRY_MAX_DELAY", "500ms", "MAILER_MAX_ATTEMPTS", "100"))) {
            String taskId = post(mailer, "erin@example.org");
            await().atMost(Duration.ofSeconds(15)).until(() -> "retrying".equals(status(mailer, taskId).get("status")));
            assertThat((String) status(mailer, taskId).get("error")).contains("connection refused");

            GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
            smtp.start();
            try {
                assertThat(smtp.waitForIncomingEmail(15_000, 1)).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(mailer, taskId).get("status")));
                assertThat((int) status(mailer, taskId).get("attempts")).isGreaterThan(1);
            } finally {
                smtp.stop();
            }
        }
    }
}
