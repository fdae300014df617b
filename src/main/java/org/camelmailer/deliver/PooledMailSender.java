package org.camelmailer.deliver;

import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.DefaultJavaMailSender;

/**
 * camel-mail's sender, reusing SMTP connections: camel-mail opens, greets (EHLO, STARTTLS, AUTH) and closes one
 * connection per message, which bounds delivery to a few hundred mails a second. Idle connections wait in a
 * pool; one the server dropped meanwhile is replaced once, transparently, before a message counts as failed.
 */
public final class PooledMailSender extends DefaultJavaMailSender {

    /** Servers commonly drop idle clients after 30-300 s; reconnect rather than find out by failing. */
    private static final long MAX_IDLE_NANOS = 20_000_000_000L;

    private record Idle(Transport transport, long since) {
    }

    private final BlockingQueue<Idle> idle;

    public PooledMailSender(int maxIdle) {
        this.idle = new LinkedBlockingQueue<>(Math.max(1, maxIdle));
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        prepare(message);
        Idle pooled = borrow();
        if (pooled != null) {
            try {
                sendOn(pooled.transport(), message);
                return;
            } catch (SendFailedException e) {
                // the server answered (a rejected recipient...): a real outcome, not a stale connection
                giveBack(pooled.transport());
                throw e;
            } catch (MessagingException e) {
                close(pooled.transport());
                // dropped while idle: fall through to a fresh connection, once
            }
        }
        Transport fresh = connect();
        try {
            sendOn(fresh, message);
        } catch (SendFailedException e) {
            giveBack(fresh);
            throw e;
        } catch (MessagingException | RuntimeException e) {
            close(fresh);
            throw e;
        }
    }

    private void sendOn(Transport transport, MimeMessage message) throws MessagingException {
        transport.sendMessage(message, message.getAllRecipients());
        giveBack(transport);
    }

    /** What DefaultJavaMailSender does before sending: a Date, and the Message-ID kept across saveChanges. */
    private static void prepare(MimeMessage message) throws MessagingException {
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        String messageId = message.getMessageID();
        message.saveChanges();
        if (messageId != null) {
            message.setHeader("Message-ID", messageId);
        }
    }

    private Idle borrow() {
        long now = System.nanoTime();
        for (Idle candidate = idle.poll(); candidate != null; candidate = idle.poll()) {
            // no NOOP probe (a round trip per mail): a connection found dead is replaced in send()
            if (now - candidate.since() < MAX_IDLE_NANOS) {
                return candidate;
            }
            close(candidate.transport());
        }
        return null;
    }

    private Transport connect() throws MessagingException {
        Transport transport = getTransport(getSession());
        var auth = getPasswordAuthentication();
        transport.connect(getHost(), getPort(), auth.getUserName(), auth.getPassword());
        return transport;
    }

    private void giveBack(Transport transport) {
        if (!idle.offer(new Idle(transport, System.nanoTime()))) {
            close(transport);
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // already gone
        }
    }

    /** Closes the idle connections (QUIT), e.g. when the route stops. */
    public void closeIdle() {
        for (Idle i = idle.poll(); i != null; i = idle.poll()) {
            close(i.transport());
        }
    }
}
