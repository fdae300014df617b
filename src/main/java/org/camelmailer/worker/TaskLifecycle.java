package org.camelmailer.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.Variable;
import org.camelmailer.config.Durations;
import org.camelmailer.deliver.DeliveryFailure;
import org.camelmailer.deliver.FailureKind;
import org.camelmailer.deliver.SmtpFailureClassifier;
import org.camelmailer.message.Enhancement;
import org.camelmailer.message.MailTask;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.queue.Claim;
import org.camelmailer.queue.LeaseLostException;
import org.camelmailer.queue.RedisQueueConsumer;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.status.TaskStatusStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's bookkeeping around one delivery: marks the task processing, sent, retrying or failed in its
 * status record, schedules retries with exponential backoff and jitter, puts back uncharged a task the deliver stage
 * postponed (delivery paused, a 421), gives a delivery whose final dot went unanswered one more attempt after a long
 * delay, and moves exhausted or permanently failed tasks to the dead-letter list {@code mailer:dead}.
 */
public final class TaskLifecycle {

    public static final String DEAD_LETTERS = "mailer:dead";

    private static final Logger LOG = LoggerFactory.getLogger(TaskLifecycle.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECORD_RETRY = Duration.ofMillis(250);

    private final TaskStatusStore statuses;
    private final RetryPolicy retries;
    private final MailerMetrics metrics;
    private final UnaryOperator<String> redactor;
    private final Duration recordSentWithin;

    /**
     * @param recordSentWithin how long to keep trying to record a mailed task as sent while Redis is away: the
     *                         visibility timeout, after which another worker may hold the task anyway
     */
    public TaskLifecycle(TaskStatusStore statuses, RetryPolicy retries, MailerMetrics metrics,
                         UnaryOperator<String> redactor, Duration recordSentWithin) {
        this.redactor = redactor;
        this.recordSentWithin = recordSentWithin;
        this.statuses = statuses;
        this.retries = retries;
        this.metrics = metrics;
    }

    /** The task the claimed entry holds (the route binds it to variable task); an unreadable entry fails here. */
    public MailTask read(@Body String entry) throws JsonProcessingException {
        return JSON.readValue(entry, MailTask.class);
    }

    /**
     * True for a redelivery of a task already recorded sent (the route binds it to variable alreadySent): it is
     * acknowledged without mailing again. The claim looked at the record already (the endpoint's claimRecords): no round
     * trip of its own, unless the claim did not look.
     */
    public boolean alreadySent(@ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim, @Variable("task") MailTask task) {
        Boolean done = claim == null ? null : claim.alreadyDone();
        boolean sent = done != null ? done : statuses.isSent(task.taskId());
        if (sent && claim != null && claim.withdrawn()) {
            LOG.info("task {} was cancelled or rescheduled since this entry was queued: not sent", task.taskId());
        } else if (sent) {
            LOG.info("task {} was already sent: redelivery skipped", task.taskId());
        }
        return sent;
    }

    /**
     * Just before the mail goes to SMTP: this worker must still hold its lease. A worker paused past its lease
     * (a GC pause, a stopped VM, Redis away) has lost the task to another claimer and must not mail it as well.
     */
    public void confirmLease(@ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim, @Variable("task") MailTask task) {
        if (claim != null && !claim.stillHeld()) {
            throw new LeaseLostException(task.taskId());
        }
        // no read of the record here: a cancel answers 409 once a claim has marked the task processing, and the claim
        // found it not cancelled, in the same script (one Redis round trip per mail saved, ~7 % of a worker's CPU)
    }

    /** Recorded before the queue entry is acknowledged, so a crash in between cannot mail twice. */
    public void sent(@Variable("task") MailTask task, @Variable("enhancement") Enhancement enhancement,
                     @ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim,
                     @Header(MailConstants.MAIL_MESSAGE_ID) String smtpMessageId,
                     @Variable("smtpReply") String smtpReply) throws InterruptedException {
        boolean enhanced = enhancement != null && enhancement.enhanced();
        recordSent(claim, task, enhanced, enhancement == null ? null : enhancement.fallbackReason(), smtpMessageId,
                smtpReply == null ? null : redactor.apply(smtpReply));
        metrics.sent();
        if (smtpMessageId != null) {
            metrics.smtpReply("2xx");
        }
        LOG.info("task {} sent{}", task.taskId(), enhanced ? " (enhanced)" : "");
    }

    /**
     * The mail has left: a Redis outage now must not turn into a second mail after the lease runs out, so the
     * record is retried until Redis answers again (within the lease; a stop interrupts the wait).
     */
    private void recordSent(Claim claim, MailTask task, boolean enhanced, String note, String messageId,
                            String smtpReply) throws InterruptedException {
        long deadline = System.nanoTime() + recordSentWithin.toNanos();
        boolean waited = false;
        while (true) {
            try {
                if (claim != null) {
                    // this claim's lease ends in the same round trip
                    statuses.sentAndAcknowledged(task, task.attempt() + 1, enhanced, note, messageId, smtpReply, claim.queue(),
                            claim.lease());
                    claim.settled();
                } else {
                    statuses.sent(task, task.attempt() + 1, enhanced, note, messageId, smtpReply);
                }
                if (waited) {
                    LOG.info("task {} recorded sent now that Redis answers again", task.taskId());
                }
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                if (!waited) {
                    LOG.warn("task {} was mailed but Redis cannot record it ({}): retrying until it answers",
                            task.taskId(), e.getMessage());
                    waited = true;
                }
                Thread.sleep(RECORD_RETRY.toMillis());
            }
        }
    }

    /** Called by the worker's error handler: retry a transient failure later, or give up. */
    public void failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable cause, @Variable("task") MailTask task,
                       @ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim) throws JsonProcessingException {
        String payload = claim.payload();
        TaskQueue queue = claim.queue();
        TaskQueue.Lease lease = claim.lease();
        if (leaseLost(cause)) {
            // nothing was mailed and the task is another claimer's now: no status, no retry, no dead letter from here.
            // Handed back rather than acknowledged: should the lease still be there after all, the task goes back to
            // the queue instead of vanishing (both only touch this claim's own lease)
            queue.retryLater(lease, payload, Duration.ZERO);
            claim.settled();
            LOG.warn("task {} not mailed by this worker: its lease ran out and another worker has it", task.taskId());
            return;
        }
        DeliveryFailure classified = SmtpFailureClassifier.classify(cause);
        // an SMTP server's reply may echo anything it was sent: redacted before it is logged or stored
        DeliveryFailure failure = new DeliveryFailure(classified.kind(), classified.smtpCode(),
                redactor.apply(classified.reason()), classified.retryAfter());
        if (failure.kind() == FailureKind.UNCERTAIN) {
            metrics.smtpReply("none");
        } else if (failure.kind() != FailureKind.POSTPONED || failure.smtpCode() != null) {
            metrics.smtpReply(failure.smtpCode() == null ? "connection" : failure.smtpCode() / 100 + "xx");
        }
        if (task == null) {
            // the entry is not even a task: nothing to retry
            String reason = "unreadable task: " + failure.reason();
            JsonNode named = namedTask(claim);
            String taskId = named == null ? null : named.path("task_id").textValue();
            String record = deadLetter(payload, taskId, reason, queue);
            if (taskId != null) {
                statuses.failedAndDeadLettered(taskId, null, named.path("attempt").asInt(0) + 1, reason, queue, lease,
                        DEAD_LETTERS, record);
            } else {
                queue.moveTo(lease, DEAD_LETTERS, record);
            }
            metrics.failed(true);
            LOG.error("unreadable queue entry{} moved to {}: {}", taskId == null ? "" : " naming task " + taskId,
                    DEAD_LETTERS, failure.reason());
            return;
        }
        int attempts = task.attempt() + 1;
        if (failure.kind() == FailureKind.UNCERTAIN) {
            uncertain(task, attempts, failure, payload, queue, lease);
            return;
        }
        if (failure.kind() == FailureKind.POSTPONED && retries.withinAge(task.agedFrom())) {
            postpone(task, failure, queue, lease);
            return;
        }
        if (failure.kind() == FailureKind.TRANSIENT && retries.allowsAnother(attempts, task.agedFrom())) {
            Duration delay = retries.backoff(attempts);
            TaskQueue.Settled settled = statuses.retryingAndDelayed(task, attempts, failure.reason(),
                    queue, lease, JSON.writeValueAsString(task.nextAttempt()), delay);
            if (settled == TaskQueue.Settled.DONE) {
                metrics.retried();
                LOG.warn("task {} attempt {} failed ({}): retry in {}s", task.taskId(), attempts, failure.reason(),
                        delay.toSeconds());
            } else {
                notSettled(task, attempts, failure, settled);
            }
        } else {
            TaskQueue.Settled settled = statuses.failedAndDeadLettered(task.taskId(), task, attempts, failure.reason(),
                    queue, lease, DEAD_LETTERS, deadLetter(payload, task.taskId(), failure.reason(), queue));
            if (settled == TaskQueue.Settled.DONE) {
                metrics.failed(true);
                LOG.error("task {} failed after {} attempt(s): {}", task.taskId(), attempts, failure.reason());
            } else {
                notSettled(task, attempts, failure, settled);
            }
        }
    }

    /**
     * Not tried, through no fault of its own (delivery paused, the server asking for fewer connections): back on the
     * queue as it was, its attempt count unchanged, after the delay the deliver stage gave.
     */
    private void postpone(MailTask task, DeliveryFailure failure, TaskQueue queue, TaskQueue.Lease lease)
            throws JsonProcessingException {
        Duration delay = failure.retryAfter() == null ? Duration.ofSeconds(1) : failure.retryAfter();
        TaskQueue.Settled settled = statuses.retryingAndDelayed(task, task.attempt(), failure.reason(),
                queue, lease, JSON.writeValueAsString(task), delay);
        if (settled == TaskQueue.Settled.DONE) {
            LOG.warn("task {} {}: back in {}, not counted as an attempt", task.taskId(), failure.reason(),
                    Durations.describe(delay));
        } else {
            notSettled(task, task.attempt() + 1, failure, settled);
        }
    }

    /**
     * No reply came to the end of data: the server may have the mail. Sending it again at once would make a copy
     * each time a slow content filter outlasts the wait, so it gets one more attempt, after a long delay (the same
     * Message-ID, which receivers use to fold a copy), and status retrying says "uncertain: ...". A second uncertain
     * attempt (or a delay of zero, or no attempts left) fails it: dead-lettered, for an operator who checked the
     * server's log to re-drive or not.
     */
    private void uncertain(MailTask task, int attempts, DeliveryFailure failure, String payload, TaskQueue queue,
                           TaskQueue.Lease lease) throws JsonProcessingException {
        if (!task.uncertain() && retries.allowsUncertainRetry(attempts, task.agedFrom())) {
            Duration delay = retries.uncertainDelay();
            String reason = failure.reason() + "; one more attempt in " + Durations.describe(delay)
                    + " with the same Message-ID (SMTP_UNCERTAIN_RETRY_DELAY)";
            TaskQueue.Settled settled = statuses.retryingAndDelayed(task, attempts, reason, queue, lease,
                    JSON.writeValueAsString(task.nextAttempt().markedUncertain()), delay);
            if (settled == TaskQueue.Settled.DONE) {
                metrics.retried();
                LOG.warn("task {} attempt {}: {}", task.taskId(), attempts, reason);
            } else {
                notSettled(task, attempts, failure, settled);
            }
            return;
        }
        String reason = failure.reason() + (task.uncertain()
                ? "; an earlier attempt was uncertain too: not sent again (re-drive it if it did not arrive)"
                : "; not sent again (re-drive it if it did not arrive)");
        TaskQueue.Settled settled = statuses.failedAndDeadLettered(task.taskId(), task, attempts, reason, queue, lease,
                DEAD_LETTERS, deadLetter(payload, task.taskId(), reason, queue));
        if (settled == TaskQueue.Settled.DONE) {
            metrics.failed(true);
            LOG.error("task {} failed after {} attempt(s): {}", task.taskId(), attempts, reason);
        } else {
            notSettled(task, attempts, failure, settled);
        }
    }

    private static boolean leaseLost(Throwable cause) {
        for (Throwable e = cause; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof LeaseLostException) {
                return true;
            }
        }
        return false;
    }

    /** A failure this worker may not record: its lease is gone, or an earlier holder already mailed the task. */
    private static void notSettled(MailTask task, int attempts, DeliveryFailure failure, TaskQueue.Settled settled) {
        LOG.warn("task {} attempt {} failed ({}), {}", task.taskId(), attempts, failure.reason(),
                settled == TaskQueue.Settled.ALREADY_DONE ? "but an earlier attempt was recorded sent: nothing to retry"
                        : "but its lease ran out meanwhile: the worker that claimed it since decides");
    }

    /**
     * An entry that is JSON with a task_id but no readable task: the claim marked that task processing (the consumer
     * then says it was not already sent), so its record is to say failed rather than processing until its TTL. The
     * entry as JSON, or null when the claim marked nothing.
     */
    private static JsonNode namedTask(Claim claim) {
        if (!Boolean.FALSE.equals(claim.alreadyDone())) {
            return null;
        }
        try {
            return JSON.readTree(claim.payload());
        } catch (JsonProcessingException e) {
            return null; // Redis' JSON reader took what Jackson does not: the record expires with its TTL
        }
    }

    /** The record kept in the dead-letter list; {@code queue} is where a re-drive puts the task back. */
    private static String deadLetter(String payload, String taskId, String error, TaskQueue queue)
            throws JsonProcessingException {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("task_id", taskId);
        record.put("failed_at", Instant.now().toString());
        record.put("error", error);
        record.put("queue", queue.key());
        record.put("task", payload);
        return JSON.writeValueAsString(record);
    }
}
