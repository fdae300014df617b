package org.camelmailer.content;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.camelmailer.message.Attachment;
import org.camelmailer.message.MailTask;

/**
 * How many large messages (attachments past MAILER_MAX_BODY_SIZE) one process holds in memory at once
 * (MAILER_LARGE_MESSAGES), so that a few 10 MiB messages cannot exhaust the heap that every small message needs too: a
 * 10 MiB attachment arrives as 14 MB of base64, which the server buffers whole before the route reads it. One gate at
 * the HTTP edge (a large request past the permits gets 503 with Retry-After before its body is read) and one for the
 * workers (a large task waits its turn, {@code wait} at most, while the others go on; a permit is given back when the
 * exchange completes, whatever its outcome).
 */
public final class LargeMessageGate {

    private final Semaphore permits;
    private final int count;
    private final long threshold;
    private final Duration wait;

    /** {@code threshold}: bytes past which a body or a task's attachments are large. */
    public LargeMessageGate(int permits, long threshold, Duration wait) {
        this.permits = new Semaphore(permits, true);
        this.count = permits;
        this.threshold = threshold;
        this.wait = wait;
    }

    /** Whether a body or attachments of {@code bytes} count as large: past the threshold. */
    public boolean isLarge(long bytes) {
        return bytes > threshold;
    }

    /**
     * For the HTTP edge, before the server reads a body of {@code bytes}: true when it may (a small one always; a large
     * one while a permit is free, which {@link #leave} gives back once the answer is sent). No wait: the edge runs on
     * an event loop.
     */
    public boolean tryEnter(long bytes) {
        return !isLarge(bytes) || permits.tryAcquire();
    }

    /** Gives back what {@link #tryEnter} took for a body of {@code bytes}. */
    public void leave(long bytes) {
        if (isLarge(bytes)) {
            permits.release();
        }
    }

    /** The worker's step, before the attachments are read back: a large task waits for its turn. */
    public void task(@Variable("task") MailTask task, Exchange exchange) throws InterruptedException {
        long bytes = task.attachments().stream().mapToLong(Attachment::size).sum();
        if (isLarge(bytes)) {
            enter(exchange);
        }
    }

    private void enter(Exchange exchange) throws InterruptedException {
        if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new BusyException(count);
        }
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                permits.release();
            }
        });
    }

    /** Permits free now (for tests and the metrics). */
    public int available() {
        return permits.availablePermits();
    }

    /** Every permit is taken past the wait. */
    public static final class BusyException extends RuntimeException {
        public BusyException(int count) {
            super(count + " large message(s) already in hand (MAILER_LARGE_MESSAGES)", null, false, false);
        }
    }
}
