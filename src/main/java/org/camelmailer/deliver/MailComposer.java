package org.camelmailer.deliver;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.util.ByteArrayDataSource;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

import org.apache.camel.Variable;
import org.camelmailer.message.Attachment;
import org.camelmailer.message.Enhancement;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.HeaderText;
import org.camelmailer.message.MailTask;

/**
 * Deliver stage: turns a queued task (and the optional enhanced HTML) into the one MIME message that SMTP and the outbox
 * both use. text/plain alone; multipart/alternative (text, then HTML: the client's own, or Gemini's); inline images
 * with the HTML in a multipart/related; attachments around it all in a multipart/mixed. The envelope holds every
 * recipient (to, cc, bcc, each once), the headers To and Cc only.
 */
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
    public MimeMessage mail(@Variable("task") MailTask task, @Variable("enhancement") Enhancement enhancement,
                            @Variable("attachments") List<byte[]> contents) {
        return compose(task, enhancement == null ? null : enhancement.html(), contents);
    }

    /** The route's step after sending: the SMTP server's reply to the mail (null when it went to the outbox). */
    public String reply(@org.apache.camel.Body MimeMessage sent) {
        return sent instanceof FixedIdMimeMessage composed ? composed.serverReply() : null;
    }

    public MimeMessage compose(MailTask task, String enhancedHtml) {
        return compose(task, enhancedHtml, null);
    }

    /**
     * {@code contents}: the attachments' bytes in the task's order, as they waited in Redis; null when the task's
     * attachments carry their bytes themselves.
     */
    public MimeMessage compose(MailTask task, String enhancedHtml, List<byte[]> contents) {
        // the sender's domain is a dot-atom (ASCII labels), as a Message-ID's right part must be
        String messageId = "<" + TaskIds.requireSafe(task.taskId()) + "@" + sender.domain() + ">";
        String subject = rejectLineBreaks("subject", task.sujet());
        if (task.recipients().isEmpty()) {
            throw new IllegalArgumentException("a task needs at least one recipient");
        }
        String html = enhancedHtml != null ? enhancedHtml : task.html();
        String text = task.message() != null ? task.message() : html != null ? HtmlText.of(html) : null;
        if (text == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        EmailAddress from = task.from() == null ? sender : address("from", task.from());
        try {
            FixedIdMimeMessage mime = new FixedIdMimeMessage(session, messageId, envelope(task));
            // Written and folded here rather than by setFrom/setSubject: those leave a non-ASCII name raw when it
            // was parsed from text, an ASCII subject unfolded however long its words, and text that looks like an
            // encoded word as it is (HeaderText encodes all three). Every line stays within 78 characters but one
            // holding a long address or Message-ID, which cannot be folded (under 400 characters).
            mime.setHeader("From", header("From", from.toInternetAddress().toString()));
            // no To left (its recipients were suppressed): the group syntax says the others were not disclosed
            mime.setHeader("To", task.to().isEmpty() ? "undisclosed-recipients:;"
                    : header("To", addressList("to", task.to())));
            if (!task.cc().isEmpty()) {
                mime.setHeader("Cc", header("Cc", addressList("cc", task.cc())));
            }
            // bcc recipients are in the envelope only: no Bcc header goes out
            if (task.replyTo() != null) {
                mime.setHeader("Reply-To", header("Reply-To", address("reply-to", task.replyTo())
                        .toInternetAddress().toString()));
            }
            mime.setHeader("Subject", header("Subject", HeaderText.unstructured(subject)));
            for (Map.Entry<String, String> extra : task.headers().entrySet()) {
                mime.setHeader(extra.getKey(), header(extra.getKey(),
                        HeaderText.unstructured(rejectLineBreaks(extra.getKey(), extra.getValue()))));
            }
            mime.setSentDate(new Date());
            List<Content> all = contents(task, contents);
            List<Content> inline = html == null ? List.of() : all.stream().filter(c -> c.about().inline()).toList();
            List<Content> attached = all.stream().filter(c -> !inline.contains(c)).toList();
            if (html == null && attached.isEmpty()) {
                mime.setText(text, UTF_8, "plain");
                mime.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
            } else if (attached.isEmpty()) {
                mime.setContent(body(text, html, inline));
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart body = new MimeBodyPart();
                if (html == null) {
                    body.setText(text, UTF_8, "plain");
                    body.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
                } else {
                    body.setContent(body(text, html, inline));
                }
                mixed.addBodyPart(body);
                for (Content attachment : attached) {
                    mixed.addBodyPart(part(attachment, Part.ATTACHMENT));
                }
                mime.setContent(mixed);
            }
            mime.saveChanges();
            return mime;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot compose message for task " + task.taskId(), e);
        }
    }

    // Plain text first, HTML last: clients show the last alternative they can render. Inline images travel with the
    // HTML that refers to them, in a multipart/related.
    private static MimeMultipart body(String text, String html, List<Content> inline) throws MessagingException {
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(textPart(text, "plain"));
        if (inline.isEmpty()) {
            alternative.addBodyPart(textPart(html, "html"));
            return alternative;
        }
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(textPart(html, "html"));
        for (Content attachment : inline) {
            related.addBodyPart(part(attachment, Part.INLINE));
        }
        MimeBodyPart relatedPart = new MimeBodyPart();
        relatedPart.setContent(related);
        alternative.addBodyPart(relatedPart);
        return alternative;
    }

    /** An attachment and its bytes. */
    private record Content(Attachment about, byte[] bytes) {
    }

    private static List<Content> contents(MailTask task, List<byte[]> stored) {
        List<Attachment> attachments = task.attachments();
        if (stored != null && stored.size() != attachments.size()) {
            throw new IllegalArgumentException("task " + task.taskId() + " has " + attachments.size()
                    + " attachments and " + stored.size() + " contents");
        }
        List<Content> all = new java.util.ArrayList<>(attachments.size());
        for (int i = 0; i < attachments.size(); i++) {
            Attachment a = attachments.get(i);
            if (stored == null && a.content() == null) {
                throw new IllegalArgumentException("attachment " + a.filename() + " has no content");
            }
            all.add(new Content(a, stored != null ? stored.get(i) : a.content()));
        }
        return all;
    }

    private static MimeBodyPart part(Content attachment, String disposition) throws MessagingException {
        Attachment about = attachment.about();
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.bytes(), about.contentType())));
        // RFC 2231 for a name that is not ASCII (mail.mime.encodeparameters, on by default)
        part.setFileName(about.filename());
        part.setDisposition(disposition);
        part.setHeader("Content-Transfer-Encoding", "base64");
        if (about.contentId() != null) {
            part.setContentID("<" + about.contentId() + ">");
        }
        return part;
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, UTF_8, subtype);
        part.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
        return part;
    }

    /** Every recipient once (to, cc, bcc), as RCPT TO will name them. */
    private static Address[] envelope(MailTask task) {
        Map<String, Address> unique = new LinkedHashMap<>();
        for (String recipient : task.recipients()) {
            InternetAddress address = address("recipient", recipient).toInternetAddress();
            unique.putIfAbsent(address.getAddress().toLowerCase(Locale.ROOT), address);
        }
        return unique.values().toArray(Address[]::new);
    }

    private static String addressList(String what, List<String> addresses) {
        StringBuilder list = new StringBuilder();
        for (String text : addresses) {
            if (list.length() > 0) {
                list.append(", ");
            }
            list.append(address(what, text).toInternetAddress().toString());
        }
        return list.toString();
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
