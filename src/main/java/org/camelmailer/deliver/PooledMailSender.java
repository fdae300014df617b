package org.camelmailer.deliver;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.DefaultJavaMailSender;

/**
 * camel-mail's sender, reusing SMTP connections: camel-mail opens, greets (EHLO, STARTTLS, AUTH) and closes one
 * connection per message, which bounds delivery to a few hundred mails a second. Idle connections wait in a
 * pool; one the server dropped meanwhile is replaced once, transparently, before a message counts as failed: only
 * while the message has not reached DATA, so a message is never written twice by the pool. A connection left idle
 * for {@code idleLimit} is closed with QUIT, before the server's own timeout closes it (Postfix: smtpd_timeout, 300 s,
 * 10 s under stress; it holds an smtpd process meanwhile and logs "timeout after END-OF-MESSAGE"); so are all of them
 * on {@link #closeIdle()}.
 */
public final class PooledMailSender extends DefaultJavaMailSender {

    /** How long a connection may stay idle: well under the 10 s Postfix allows a client under stress. */
    public static final Duration IDLE_LIMIT = Duration.ofSeconds(5);

    private record Idle(SmtpConnection transport, long since) {
    }

    private final BlockingQueue<Idle> idle;
    private final long idleLimitNanos;
    private final ScheduledExecutorService idleCloser;
    private volatile boolean closed;
    private final Duration dataTimeout;
    private final SmtpCircuit circuit;
    /** New connections are opened one at a time until one has logged in: a wrong password fails once, not per thread. */
    private final ReentrantLock firstLogin = new ReentrantLock();
    private volatile boolean loggedIn;

    /**
     * @param maxIdle     connections kept open for reuse
     * @param idleLimit   an idle connection is closed (QUIT) after this
     * @param dataTimeout how long to wait for the reply to the final dot (RFC 5321: 10 minutes)
     * @param circuit     opened here when the server refuses the login or TLS cannot work; probed through {@link #probe}
     */
    public PooledMailSender(int maxIdle, Duration idleLimit, Duration dataTimeout, SmtpCircuit circuit) {
        this.idle = new LinkedBlockingQueue<>(Math.max(1, maxIdle));
        this.idleLimitNanos = idleLimit.toNanos();
        this.dataTimeout = dataTimeout;
        this.circuit = circuit;
        circuit.probeWith(this::probe);
        this.idleCloser = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-idle-close");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, Math.min(1000, idleLimit.toMillis() / 4));
        idleCloser.scheduleWithFixedDelay(this::closeIdleTooLong, every, every, TimeUnit.MILLISECONDS);
    }

    public SmtpCircuit circuit() {
        return circuit;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        prepare(message);
        circuit.ensureClosed();
        Idle pooled = borrow();
        if (pooled != null) {
            try {
                sendOn(pooled.transport(), message);
                return;
            } catch (MessagingException e) {
                if (!stale(pooled.transport(), e)) {
                    settle(pooled.transport(), e);
                    throw e;
                }
                close(pooled.transport());
                // dropped while idle: fall through to a fresh connection, once
            }
        }
        SmtpConnection fresh = connect();
        try {
            sendOn(fresh, message);
        } catch (MessagingException e) {
            settle(fresh, e);
            throw e;
        } catch (RuntimeException e) {
            close(fresh);
            throw e;
        }
    }

    /**
     * A pooled connection the server closed while it was idle: the failure came before DATA and without a reply. Once
     * DATA went out the message is not written again (its final dot may have, and the server may have taken it).
     */
    private static boolean stale(SmtpConnection connection, MessagingException e) {
        return !connection.dataStarted() && !(e instanceof UncertainDeliveryException) && replyCode(e) == null;
    }

    /** After a failed send: a connection the server answered on (a rejected recipient...) is kept, any other closed. */
    private void settle(SmtpConnection connection, MessagingException e) {
        if (replyCode(e) != null && !(e instanceof UncertainDeliveryException)) {
            giveBack(connection);
        } else {
            close(connection);
        }
    }

    /** The server's reply code to the command that failed, or null when none came. */
    private static Integer replyCode(MessagingException e) {
        return SmtpFailureClassifier.classify(e).smtpCode();
    }

    private void sendOn(SmtpConnection transport, MimeMessage message) throws MessagingException {
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
            if (now - candidate.since() < idleLimitNanos) {
                return candidate;
            }
            close(candidate.transport());
        }
        return null;
    }

    /**
     * A new connection, logged in. Until one has logged in (at start, after a refusal) they are opened one at a time,
     * each after checking the circuit again: the threads that waited fail fast instead of each trying the same login.
     */
    private SmtpConnection connect() throws MessagingException {
        boolean serial = !loggedIn;
        if (serial) {
            firstLogin.lock();
        }
        try {
            circuit.ensureClosed();
            SmtpConnection transport = newConnection();
            loggedIn = true;
            return transport;
        } catch (SmtpSetupException e) {
            loggedIn = false;
            circuit.open(e.getMessage());
            if (e.loginRefused()) {
                // not this mail's fault: it waits in the queue, uncharged, until the circuit lets delivery resume
                throw new PostponedDeliveryException(e.getMessage(), circuit.untilRetry(), e);
            }
            throw e;
        } finally {
            if (serial) {
                firstLogin.unlock();
            }
        }
    }

    private SmtpConnection newConnection() throws MessagingException {
        SmtpConnection transport = new SmtpConnection(getSession(), getProtocol(), getHost(), getPort(), dataTimeout);
        transport.open(getHost(), getPort(), getUsername(), getPassword());
        return transport;
    }

    /** The circuit's check while delivery is paused: one connection, logged in and closed with QUIT; no mail. */
    void probe() throws MessagingException {
        newConnection().close();
    }

    private void giveBack(SmtpConnection transport) {
        if (closed || !idle.offer(new Idle(transport, System.nanoTime()))) {
            close(transport);
        } else if (closed) {
            closeIdle(); // the service stopped meanwhile
        }
    }

    /** Every connection idle for the limit gets QUIT and is closed. */
    private void closeIdleTooLong() {
        long now = System.nanoTime();
        for (Idle i : idle) {
            if (now - i.since() >= idleLimitNanos && idle.remove(i)) {
                close(i.transport());
            }
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // already gone
        }
    }

    /** Closes the idle connections (QUIT) and, from now on, each connection as its mail is done: the service stops. */
    public void closeIdle() {
        closed = true;
        idleCloser.shutdownNow();
        for (Idle i = idle.poll(); i != null; i = idle.poll()) {
            close(i.transport());
        }
    }
}
