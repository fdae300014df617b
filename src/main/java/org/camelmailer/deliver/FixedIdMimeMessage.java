package org.camelmailer.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** The composed message, whose Message-ID survives every saveChanges() on the way to SMTP or the outbox. */
final class FixedIdMimeMessage extends MimeMessage {

    private final String messageId;

    FixedIdMimeMessage(Session session, String messageId) {
        super(session);
        this.messageId = messageId;
    }

    // MimeMessage would mint a random <...@localhost> id here; a redelivery must carry the same id
    // so receivers can drop the duplicate.
    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
