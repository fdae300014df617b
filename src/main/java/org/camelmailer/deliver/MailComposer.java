package org.camelmailer.deliver;

import java.util.Date;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.camelmailer.queue.MailTask;

/** Deliver stage: turns a queued task (and the optional enhanced HTML) into the one MIME message that SMTP and the outbox both use. */
public final class MailComposer {

    private static final String UTF_8 = "UTF-8";
    // Quoted-printable keeps the text readable in an .eml file and every line under SMTP's limit.
    private static final String QUOTED_PRINTABLE = "quoted-printable";
    private static final String FALLBACK_ID_DOMAIN = "camel-mailer";

    // Only used to build the message; the mail endpoint sends it with its own session and properties.
    private final Session session = Session.getInstance(new Properties());
    private final InternetAddress sender;
    private final String idDomain;

    public MailComposer(String senderEmail) {
        rejectLineBreaks("sender", senderEmail);
        try {
            this.sender = new InternetAddress(senderEmail);
        } catch (AddressException e) {
            throw new IllegalArgumentException("invalid sender address: " + e.getMessage(), e);
        }
        this.idDomain = idDomainOf(sender.getAddress());
    }

    public MimeMessage compose(MailTask task, String html) {
        String messageId = "<" + TaskIds.requireSafe(task.taskId()) + "@" + idDomain + ">";
        String subject = rejectLineBreaks("subject", task.sujet());
        InternetAddress recipient = singleRecipient(task.destinataire());
        if (task.message() == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        try {
            MimeMessage mime = new FixedIdMimeMessage(session, messageId);
            mime.setFrom(sender);
            mime.setRecipient(Message.RecipientType.TO, recipient);
            mime.setSubject(subject, UTF_8);
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

    private static InternetAddress singleRecipient(String destinataire) {
        rejectLineBreaks("recipient", destinataire);
        try {
            // The one-argument constructor refuses a list, so "a@x, b@y" cannot widen the audience.
            InternetAddress address = new InternetAddress(destinataire);
            address.validate();
            return address;
        } catch (AddressException e) {
            throw new IllegalArgumentException("invalid recipient address: " + e.getMessage(), e);
        }
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

    private static String idDomainOf(String address) {
        int at = address == null ? -1 : address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1);
        // A Message-ID right part must be a plain dot-atom; anything odd falls back to a fixed name.
        return domain.matches("[A-Za-z0-9.-]+") ? domain : FALLBACK_ID_DOMAIN;
    }
}
