package org.camelmailer.deliver;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.camelmailer.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliver stage circuit breaker for what no retry of a mail can fix: the server refused the login, or TLS cannot
 * work as configured. Open, it pauses delivery: the pooled sender tries no connection, the worker routes claim
 * nothing ({@link SmtpCircuitRoutePolicy}), readiness says why and until when ({@code DeliveryHealthCheck}). After
 * {@code pause} one probe connection (greeting, TLS, AUTH, QUIT; no mail) checks again: through, the circuit closes;
 * refused again, it stays open for another pause. So a wrong password costs one failed login per pause, not one per
 * task per worker, which is how accounts get locked and clients banned (fail2ban).
 */
public final class SmtpCircuit {

    /** Told when delivery pauses and resumes. */
    public interface Listener {
        void opened(String reason);

        void closed();
    }

    /** A connection attempt that throws {@link SmtpSetupException} while the refusal stands. */
    @FunctionalInterface
    public interface Probe {
        void run() throws Exception;
    }

    /** Why delivery is paused, since when, and when the next probe runs. */
    public record Open(String reason, Instant since, Instant retryAt) {

        /** "paused since ..., next check at ...: reason", to the second. */
        public String describe() {
            return "SMTP delivery is paused since " + since.truncatedTo(ChronoUnit.SECONDS) + ", next check at "
                    + retryAt.truncatedTo(ChronoUnit.SECONDS) + ": " + reason;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SmtpCircuit.class);

    private final Duration pause;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Open open;
    private volatile Probe probe;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> nextProbe;

    public SmtpCircuit(Duration pause) {
        this.pause = pause;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The connection that checks, once each pause is over, whether the refusal still stands. */
    public void probeWith(Probe probe) {
        this.probe = probe;
    }

    /** Null while delivery runs. */
    public Open state() {
        return open;
    }

    public boolean isOpen() {
        return open != null;
    }

    /** Throws, with the reason and when delivery resumes, while delivery is paused. */
    public void ensureClosed() throws PostponedDeliveryException {
        Open o = open;
        if (o != null) {
            throw new PostponedDeliveryException(o.describe(), untilRetry(o), null);
        }
    }

    /** How long until the next probe (at least a second), for tasks sent back to the queue meanwhile. */
    public Duration untilRetry() {
        Open o = open;
        return o == null ? Duration.ofSeconds(1) : untilRetry(o);
    }

    private static Duration untilRetry(Open o) {
        Duration left = Duration.between(Instant.now(), o.retryAt());
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    /** Pauses delivery for {@code reason} (or, when paused already, for another pause from now). */
    public void open(String reason) {
        boolean wasOpen;
        Instant now = Instant.now();
        synchronized (this) {
            wasOpen = open != null;
            open = new Open(reason, wasOpen ? open.since() : now, now.plus(pause));
            if (nextProbe != null) {
                nextProbe.cancel(false);
            }
            if (timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "smtp-circuit");
                    t.setDaemon(true);
                    return t;
                });
            }
            nextProbe = timer.schedule(this::probe, pause.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (wasOpen) {
            LOG.error("SMTP delivery stays paused for {}: {}", Durations.describe(pause), reason);
        } else {
            LOG.error("SMTP delivery paused for {} (SMTP_PAUSE_ON_REFUSAL), then one connection checks again: {}",
                    Durations.describe(pause), reason);
            listeners.forEach(l -> l.opened(reason));
        }
    }

    /** Resumes delivery. */
    public void close(String why) {
        synchronized (this) {
            if (open == null) {
                return;
            }
            open = null;
            if (nextProbe != null) {
                nextProbe.cancel(false);
                nextProbe = null;
            }
        }
        LOG.info("SMTP delivery resumes: {}", why);
        listeners.forEach(Listener::closed);
    }

    private void probe() {
        Probe p = probe;
        if (p == null || open == null) {
            return;
        }
        try {
            p.run();
            close("a probe connection got through");
        } catch (SmtpSetupException e) {
            open(e.getMessage());
        } catch (Exception e) {
            // not the refusal that paused delivery (the server down, a 4xx): the queue's own retries take it from here
            close("the probe connection was not refused (" + e.getMessage() + ")");
        }
    }

    /** Stops the probe timer (the service stops). */
    public synchronized void shutdown() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
