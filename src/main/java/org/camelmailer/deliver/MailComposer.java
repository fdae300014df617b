package org.camelmailer.deliver;

import java.util.Date;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

import org.apache.camel.Variable;
import org.camelmailer.message.Enhancement;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.HeaderText;
import org.camelmailer.message.MailTask;

/** Deliver stage: turns a queued task (and the optional enhanced HTML) into the one MIME message that SMTP and the outbox both use. */
public final class MailComposer {

    private static final String UTF_8 = "UTF-8";
    // Quoted-printable keeps the text readable in an .eml file and every line under SMTP's limit.
    private static final String QUOTED_PRINTABLE = "quoted-printable";

    // Only used to build the message; the mail endpoint sends it with its own session and properties.
    private final Session session = Session.getInstance(new Properties());
    private final EmailAddress sender;

    /** {@code senderEmail}: SENDER_EMAIL, {@code mailer@example.org} or {@code Équipe Mailer <mailer@example.org>}. */
    public MailComposer(String senderEmail) {
        this.sender = address("sender", senderEmail);
    }

    /** The route's step (deliver-mail): the task's mail, with the enhance stage's HTML when there is some. */
    public MimeMessage mail(@Variable("task") MailTask task, @Variable("enhancement") Enhancement enhancement) {
        return compose(task, enhancement == null ? null : enhancement.html());
    }

    public MimeMessage compose(MailTask task, String html) {
        // the sender's domain is a dot-atom (ASCII labels), as a Message-ID's right part must be
        String messageId = "<" + TaskIds.requireSafe(task.taskId()) + "@" + sender.domain() + ">";
        String subject = rejectLineBreaks("subject", task.sujet());
        EmailAddress recipient = address("recipient", task.destinataire());
        if (task.message() == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        try {
            MimeMessage mime = new FixedIdMimeMessage(session, messageId);
            // Written and folded here rather than by setFrom/setSubject: those leave a non-ASCII name raw when it
            // was parsed from text, an ASCII subject unfolded however long its words, and text that looks like an
            // encoded word as it is (HeaderText encodes all three). Every line stays within 78 characters but one
            // holding a long address or Message-ID, which cannot be folded (under 400 characters).
            mime.setHeader("From", header("From", sender.toInternetAddress().toString()));
            mime.setHeader("To", header("To", recipient.toInternetAddress().toString()));
            mime.setHeader("Subject", header("Subject", HeaderText.unstructured(subject)));
            mime.setSentDate(new Date());
            if (html == null) {
                mime.setText(task.message(), UTF_8, "plain");
                mime.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
            } else {
                mime.setContent(alternative(task.message(), html));
            }
            mime.saveChanges();
            return mime;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot compose message for task " + task.taskId(), e);
        }
    }

    // Plain text first, HTML last: clients show the last alternative they can render.
    private static MimeMultipart alternative(String text, String html) throws MessagingException {
        MimeMultipart multipart = new MimeMultipart("alternative");
        multipart.addBodyPart(textPart(text, "plain"));
        multipart.addBodyPart(textPart(html, "html"));
        return multipart;
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, UTF_8, subtype);
        part.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
        return part;
    }

    // The same parser as the API's: one address only, so "a@x, b@y" cannot widen the audience, and a task queued
    // before the display-name form existed (a bare address) reads the same.
    private static EmailAddress address(String what, String text) {
        try {
            return EmailAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " address " + e.getMessage(), e);
        }
    }

    /** A header value folded at its spaces, the header's name and ": " counted on the first line. */
    private static String header(String name, String value) {
        return MimeUtility.fold(name.length() + 2, value);
    }

    // The API validates first; this is the last line against header injection.
    private static String rejectLineBreaks(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(what + " must not contain CR or LF");
        }
        return value;
    }
}
