package org.camelmailer.deliver;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The composed message, whose Message-ID survives every saveChanges() on the way to SMTP or the outbox, and whose
 * envelope recipients are given, not read from its headers (bcc recipients have none).
 */
final class FixedIdMimeMessage extends MimeMessage {

    private final String messageId;
    private final Address[] envelope;
    private volatile String serverReply;

    FixedIdMimeMessage(Session session, String messageId, Address[] envelope) {
        super(session);
        this.messageId = messageId;
        this.envelope = envelope.clone();
    }

    void serverReply(String reply) {
        this.serverReply = reply == null ? null : reply.strip();
    }

    /** The SMTP server's reply to the end of data, once sent (null for the outbox, or before). */
    String serverReply() {
        return serverReply;
    }

    /** RCPT TO: every recipient, bcc included, though no Bcc header is written. */
    @Override
    public Address[] getAllRecipients() {
        return envelope.clone();
    }

    // MimeMessage would mint a random <...@localhost> id here; a redelivery must carry the same id
    // so receivers can drop the duplicate.
    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
