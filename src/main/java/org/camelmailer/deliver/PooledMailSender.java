package org.camelmailer.deliver;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.camelmailer.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-mail's sender, reusing SMTP connections: camel-mail opens, greets (EHLO, STARTTLS, AUTH) and closes one
 * connection per message, which bounds delivery to a few hundred mails a second. Idle connections wait in a
 * pool; one the server dropped meanwhile is replaced once, transparently, before a message counts as failed: only
 * while the message has not reached DATA, so a message is never written twice by the pool. A connection left idle
 * for {@code idleLimit} is closed with QUIT, before the server's own timeout closes it (Postfix: smtpd_timeout, 300 s,
 * 10 s under stress; it holds an smtpd process meanwhile and logs "timeout after END-OF-MESSAGE"); so are all of them
 * on {@link #closeIdle()}.
 *
 * <p>At most {@code connections} are open at once, fewer for a while after a server answered 421 (Postfix's
 * smtpd_client_connection_count_limit, "too many connections", a server closing down): that is back-pressure, not a
 * failure of the mail in hand. The allowed number halves, but not below the connections the server has let in and
 * holds now, nor below one; once for the 421s of connections opened under the same allowance, which a burst of
 * connections gets together. It grows back by one every {@code growEvery} without another 421. The mail goes back
 * to the queue
 * after {@code backPressureDelay}, uncharged ({@link PostponedDeliveryException}). A mail that finds every allowed
 * connection busy waits for one up to {@code connectionWait}, then is postponed the same way.
 */
public final class PooledMailSender extends DefaultJavaMailSender {

    /** How long a connection may stay idle: well under the 10 s Postfix allows a client under stress. */
    public static final Duration IDLE_LIMIT = Duration.ofSeconds(5);
    /** After a 421, one more connection is allowed each time this passes without another. */
    public static final Duration GROW_EVERY = Duration.ofSeconds(30);

    /** The pool's bounds: how many connections, for how long idle, and what a 421 does to them. */
    public record Limits(int connections, Duration idleLimit, Duration connectionWait, Duration backPressureDelay,
                         Duration growEvery) {

        /** {@code connections} at most, the default idle limit and grow-back, waits bounded by the command timeout. */
        public static Limits of(int connections, Duration commandTimeout, Duration backPressureDelay) {
            return new Limits(connections, IDLE_LIMIT, commandTimeout, backPressureDelay, GROW_EVERY);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PooledMailSender.class);

    private record Idle(SmtpConnection transport, long since) {
    }

    /** What a mail got from the pool: an idle connection, or (null) a place for a new one under this allowance. */
    private record Lease(SmtpConnection pooled, long generation) {
    }

    private final Limits limits;
    private final Duration dataTimeout;
    private final SmtpCircuit circuit;
    private final ScheduledExecutorService idleCloser;
    /** New connections are opened one at a time until one has logged in: a wrong password fails once, not per thread. */
    private final ReentrantLock firstLogin = new ReentrantLock();
    private volatile boolean loggedIn;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Idle connections, the most recently used first. */
    private final Deque<Idle> idle = new ArrayDeque<>();
    /** Connections open or being opened, idle or in use. */
    private int open;
    /** Of those, the ones being opened (greeting, TLS, AUTH). */
    private int connecting;
    /** How many may be open now: {@code limits.connections()}, fewer for a while after a 421. */
    private int allowed;
    private long allowedChangedAt = System.nanoTime();
    /** Counts the halvings: a 421 from a connection opened before the last one does not halve again. */
    private long generation;
    private boolean closed;

    /**
     * @param limits      how many connections, closed after how long idle, and the back-pressure after a 421
     * @param dataTimeout how long to wait for the reply to the final dot (RFC 5321: 10 minutes)
     * @param circuit     opened here when the server refuses the login or TLS cannot work; probed through {@link #probe}
     */
    public PooledMailSender(Limits limits, Duration dataTimeout, SmtpCircuit circuit) {
        this.limits = limits;
        this.allowed = Math.max(1, limits.connections());
        this.dataTimeout = dataTimeout;
        this.circuit = circuit;
        circuit.probeWith(this::probe);
        this.idleCloser = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-idle-close");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, Math.min(1000, limits.idleLimit().toMillis() / 4));
        idleCloser.scheduleWithFixedDelay(this::closeIdleTooLong, every, every, TimeUnit.MILLISECONDS);
    }

    public SmtpCircuit circuit() {
        return circuit;
    }

    /** How many connections may be open now (fewer than configured for a while after a 421). */
    public int allowedConnections() {
        lock.lock();
        try {
            return allowedNow();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        prepare(message);
        circuit.ensureClosed();
        Lease lease = acquire();
        SmtpConnection pooled = lease.pooled();
        if (pooled != null) {
            try {
                pooled.sendMessage(message, message.getAllRecipients());
                release(pooled);
                return;
            } catch (MessagingException e) {
                if (!stale(pooled, e)) {
                    settle(pooled, e);
                    throw backPressure(pooled, e);
                }
                // dropped (or closing) while idle: a fresh connection takes its place, once
                discard(pooled, true);
            } catch (RuntimeException e) {
                discard(pooled, false);
                throw e;
            }
        }
        SmtpConnection fresh;
        try {
            fresh = connect(lease.generation());
        } catch (MessagingException | RuntimeException e) {
            discard(null, false);
            throw e;
        }
        try {
            fresh.sendMessage(message, message.getAllRecipients());
            release(fresh);
        } catch (MessagingException e) {
            settle(fresh, e);
            throw backPressure(fresh, e);
        } catch (RuntimeException e) {
            discard(fresh, false);
            throw e;
        }
    }

    /**
     * A pooled connection the server closed while it was idle: the failure came before DATA and without a reply, or
     * with a 421 (closing). Once DATA went out the message is not written again (its final dot may have, and the
     * server may have taken it).
     */
    private static boolean stale(SmtpConnection connection, MessagingException e) {
        if (connection.dataStarted() || e instanceof UncertainDeliveryException) {
            return false;
        }
        Integer code = replyCode(e);
        return code == null || code == 421 || connection.closingReply() != null;
    }

    /** After a failed send: a connection the server answered on (a rejected recipient...) is kept, any other closed. */
    private void settle(SmtpConnection connection, MessagingException e) {
        Integer code = replyCode(e);
        if (code != null && code != 421 && connection.closingReply() == null && !(e instanceof UncertainDeliveryException)) {
            release(connection);
        } else {
            discard(connection, false);
        }
    }

    /** A 421 is the server asking for fewer connections: fewer for a while, and the mail back to the queue uncharged. */
    private MessagingException backPressure(SmtpConnection connection, MessagingException e) {
        String reply = connection.closingReply();
        if (reply == null && Integer.valueOf(421).equals(replyCode(e))) {
            reply = SmtpFailureClassifier.classify(e).reason();
        }
        if (reply == null) {
            return e;
        }
        int now = shrink(reply, connection.generation());
        return new PostponedDeliveryException(reply + " (the server asks for fewer connections: at most " + now
                + " for now)", limits.backPressureDelay(), e);
    }

    /** The server's reply code to the command that failed, or null when none came. */
    private static Integer replyCode(MessagingException e) {
        return SmtpFailureClassifier.classify(e).smtpCode();
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

    /**
     * An idle connection, or null with a place reserved for a new one; waits while every allowed connection is in use,
     * and postpones the mail when none frees up within the wait.
     */
    private Lease acquire() throws MessagingException {
        List<SmtpConnection> expired = new ArrayList<>();
        lock.lock();
        try {
            long deadline = System.nanoTime() + limits.connectionWait().toNanos();
            while (true) {
                long now = System.nanoTime();
                for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
                    // no NOOP probe (a round trip per mail): a connection found dead is replaced in send()
                    if (now - i.since() < limits.idleLimit().toNanos()) {
                        return new Lease(i.transport(), generation);
                    }
                    open--;
                    expired.add(i.transport());
                }
                if (open < allowedNow()) {
                    open++;
                    return new Lease(null, generation);
                }
                long left = deadline - now;
                if (left <= 0) {
                    throw new PostponedDeliveryException("all " + allowedNow() + " SMTP connections allowed now stayed "
                            + "busy for " + Durations.describe(limits.connectionWait()), limits.backPressureDelay(), null);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while waiting for an SMTP connection", e);
        } finally {
            lock.unlock();
            expired.forEach(PooledMailSender::close);
        }
    }

    /** Back to the pool after a mail, unless the pool is closing or holds more connections than now allowed. */
    private void release(SmtpConnection connection) {
        lock.lock();
        try {
            if (!closed && open <= allowedNow()) {
                idle.addFirst(new Idle(connection, System.nanoTime()));
                changed.signal();
                return;
            }
            open--;
            changed.signal();
        } finally {
            lock.unlock();
        }
        close(connection);
    }

    /** Closes {@code connection} (if any); its place is kept for a new one, or freed. */
    private void discard(SmtpConnection connection, boolean keepPlace) {
        if (!keepPlace) {
            lock.lock();
            try {
                open--;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }
        if (connection != null) {
            close(connection);
        }
    }

    /**
     * Halves the allowed connections (not below those established now, never under one), unless they were lowered
     * already since {@code opened}'s connection was opened; returns the number now allowed.
     */
    private int shrink(String reply, long opened) {
        int before;
        int after;
        lock.lock();
        try {
            before = allowedNow();
            int established = open - connecting;
            after = opened == generation ? Math.max(1, Math.max(before / 2, Math.min(established, before - 1))) : before;
            if (after < before) {
                allowed = after;
                allowedChangedAt = System.nanoTime();
                generation++;
            }
        } finally {
            lock.unlock();
        }
        if (after < before) {
            LOG.warn("SMTP server asks for fewer connections ({}): at most {} for now, one more every {} without a 421",
                    reply, after, Durations.describe(limits.growEvery()));
        }
        return after;
    }

    /** The allowed number, grown back by one for each {@code growEvery} since it last changed. Under the lock. */
    private int allowedNow() {
        int max = Math.max(1, limits.connections());
        long now = System.nanoTime();
        while (allowed < max && now - allowedChangedAt >= limits.growEvery().toNanos()) {
            allowed++;
            allowedChangedAt += limits.growEvery().toNanos();
            changed.signalAll();
        }
        if (allowed >= max) {
            allowedChangedAt = now;
        }
        return allowed;
    }

    /**
     * A new connection, logged in. Until one has logged in (at start, after a refusal) they are opened one at a time,
     * each after checking the circuit again: the threads that waited fail fast instead of each trying the same login.
     */
    private SmtpConnection connect(long generation) throws MessagingException {
        countConnecting(1);
        try {
            return connectCounted(generation);
        } finally {
            countConnecting(-1);
        }
    }

    private void countConnecting(int delta) {
        lock.lock();
        try {
            connecting += delta;
        } finally {
            lock.unlock();
        }
    }

    private SmtpConnection connectCounted(long generation) throws MessagingException {
        boolean serial = !loggedIn;
        if (serial) {
            firstLogin.lock();
            if (loggedIn) {
                // another thread logged in while this one waited: no need to wait for each other any more
                firstLogin.unlock();
                serial = false;
            }
        }
        SmtpConnection transport = null;
        try {
            circuit.ensureClosed();
            transport = newConnection(generation);
            transport.open(getHost(), getPort(), getUsername(), getPassword());
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
        } catch (MessagingException e) {
            // a 421 greeting ("too many connections") or a 421 to EHLO: back-pressure
            throw transport == null ? e : backPressure(transport, e);
        } finally {
            if (serial) {
                firstLogin.unlock();
            }
        }
    }

    private SmtpConnection newConnection(long generation) {
        return new SmtpConnection(getSession(), getProtocol(), getHost(), getPort(), dataTimeout, generation);
    }

    /** The circuit's check while delivery is paused: one connection, logged in and closed with QUIT; no mail. */
    void probe() throws MessagingException {
        SmtpConnection transport = newConnection(-1);
        transport.open(getHost(), getPort(), getUsername(), getPassword());
        transport.close();
    }

    private static void close(SmtpConnection transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // already gone
        }
    }

    /** Every connection idle for the limit gets QUIT and is closed. */
    private void closeIdleTooLong() {
        List<SmtpConnection> expired = new ArrayList<>();
        lock.lock();
        try {
            long now = System.nanoTime();
            for (Iterator<Idle> it = idle.descendingIterator(); it.hasNext(); ) {
                Idle i = it.next();
                if (now - i.since() < limits.idleLimit().toNanos()) {
                    break; // the rest were used more recently
                }
                it.remove();
                open--;
                expired.add(i.transport());
            }
            if (!expired.isEmpty()) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(PooledMailSender::close);
    }

    /** Closes the idle connections (QUIT) and, from now on, each connection as its mail is done: the service stops. */
    public void closeIdle() {
        idleCloser.shutdownNow();
        List<SmtpConnection> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
                open--;
                all.add(i.transport());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        all.forEach(PooledMailSender::close);
    }
}
