package org.camelmailer.api;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.camelmailer.content.AttachmentStore;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.MailTask;
import org.camelmailer.suppress.SuppressionList;
import org.camelmailer.status.TaskStatusStore;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Admits a validated task: honours {@code Idempotency-Key} (the same key answers the same task id and queues nothing
 * new), then writes the "queued" status record and puts the task on its queue in one Redis script, so that a record
 * never says queued for a task that is not (a process dying in between cannot part them). If the request fails after
 * its attachments or its key were written, {@link #undo} removes them, so a client retry starts clean.
 * <p>
 * A key is claimed as pending until {@link #confirm} records that its task is in the queue (see
 * {@link IdempotencyKeys}): a second request with the key meanwhile gets 409 and a Retry-After, not a 202 for a task
 * that may never be stored.
 */
public final class TaskAdmission {

    public static final String IDEMPOTENCY_HEADER = IdempotencyKeys.HEADER;

    private final IdempotencyKeys keys;
    private final TaskStatusStore statuses;
    private final AttachmentStore attachments;
    private final String plainQueue;
    private final String enhanceQueue;
    private final ObjectMapper json = new ObjectMapper();

    /** Tasks to the queue {@code mailer:queue}, as without Gemini: for tests. */
    public TaskAdmission(StringRedisTemplate redis, TaskStatusStore statuses, AttachmentStore attachments,
                         Duration ttl) {
        this(redis, statuses, attachments, ttl, IdempotencyKeys.PENDING_WINDOW, "mailer:queue", null);
    }

    /** {@code enhanceQueue}: null when Gemini is not configured (every task then goes to {@code plainQueue}). */
    public TaskAdmission(StringRedisTemplate redis, TaskStatusStore statuses, AttachmentStore attachments,
                         Duration ttl, String plainQueue, String enhanceQueue) {
        this(redis, statuses, attachments, ttl, IdempotencyKeys.PENDING_WINDOW, plainQueue, enhanceQueue);
    }

    TaskAdmission(StringRedisTemplate redis, TaskStatusStore statuses, AttachmentStore attachments,
                  Duration ttl, Duration pendingWindow) {
        this(redis, statuses, attachments, ttl, pendingWindow, "mailer:queue", null);
    }

    private TaskAdmission(StringRedisTemplate redis, TaskStatusStore statuses, AttachmentStore attachments,
                  Duration ttl, Duration pendingWindow, String plainQueue,
                  String enhanceQueue) {
        this.plainQueue = plainQueue;
        this.enhanceQueue = enhanceQueue;
        this.keys = new IdempotencyKeys(redis, ttl, pendingWindow);
        this.statuses = statuses;
        this.attachments = attachments;
    }

    /**
     * What {@link #admit} decided: the task's id (a replay's is the first request's), whether it replays an earlier
     * request (nothing was queued), when it is due (epoch ms, null: at once), and the Idempotency-Key record to confirm
     * or undo (null without a key).
     */
    public record Admission(String taskId, boolean replay, Double due, String idempotencyKey, String idempotencyClaim) {
    }

    /** The queue a task goes to: Gemini's when it asks for enhancement and Gemini is configured. */
    static String queueOf(MailTask task, String plainQueue, String enhanceQueue) {
        return task.enhanceContent() && enhanceQueue != null ? enhanceQueue : plainQueue;
    }

    /** The task as queued, and as its record keeps it for a reschedule (without send_at and v). */
    static String[] entries(ObjectMapper json, MailTask saved) throws JsonProcessingException {
        String queued = json.writeValueAsString(saved);
        boolean unscheduled = saved.sendAt() == null && saved.version() == 0;
        return new String[] {queued, unscheduled ? queued : json.writeValueAsString(saved.unscheduled())};
    }

    /** The ZADD score of a scheduled task (its send time in epoch ms), or null. */
    static Double due(MailTask task) {
        return task.sendAt() == null ? null : (double) java.time.Instant.parse(task.sendAt()).toEpochMilli();
    }

    /**
     * Admits the validated {@code task} (the route binds the answer to variable admission): a replay of an earlier
     * request with the same {@code Idempotency-Key} (nothing queued, the first task's id), or the task recorded as
     * queued (scheduled) and put on its queue (its delayed set) in one Redis script.
     */
    public Admission admit(@Variable("task") MailTask task, @Header(IDEMPOTENCY_HEADER) String key)
            throws JsonProcessingException {
        String redisKey = IdempotencyKeys.redisKey("", key);
        String claim = null;
        if (redisKey != null) {
            claim = fingerprint(task);
            String earlier = keys.claim(redisKey, claim, task.taskId());
            if (earlier != null) {
                return new Admission(earlier, true, due(task), null, null);
            }
        }
        Admission admission = new Admission(task.taskId(), false, due(task), redisKey, claim);
        try {
            // the queue entry without the attachments' content, which waits in Redis beside it
            task = attachments.save(task);
            String[] entry = entries(json, task);
            String queue = queueOf(task, plainQueue, enhanceQueue);
            // the record and the queue entry in one script, unless a recipient is on the suppression list: those are
            // left out (event suppressed) and the rest admitted; none left: 422 naming them
            List<String> recipients = task.recipients();
            List<Integer> found = statuses.admitted(task, entry[0], entry[1], queue, List.of(), SuppressionList.KEY,
                    recipients.stream().map(EmailAddress::key).toList());
            if (!found.isEmpty()) {
                List<String> suppressed = found.stream().map(recipients::get).toList();
                task = withoutSuppressed(task, suppressed);
                entry = entries(json, task);
                statuses.admitted(task, entry[0], entry[1], queue, suppressed, SuppressionList.KEY, List.of());
            }
        } catch (RuntimeException e) {
            // Redis refused, or every recipient is suppressed: the Idempotency-Key is not left pending either
            undo(admission);
            throw e;
        }
        return admission;
    }

    /**
     * {@code task} without the {@code suppressed} recipients; when none is left, a 422 naming them (nothing is written).
     */
    static MailTask withoutSuppressed(MailTask task, List<String> suppressed) {
        if (suppressed.isEmpty()) {
            return task;
        }
        MailTask kept = task.without(suppressed);
        if (kept.recipients().isEmpty()) {
            throw new InvalidRequestException(422, "Tous les destinataires sont sur la liste de suppression "
                    + "(refusés pour de bon par le serveur, ou ajoutés par un opérateur) : " + String.join(", ", suppressed)
                    + ".");
        }
        return kept;
    }

    /** After the push: the Idempotency-Key, if any, now answers replays with this task (see IdempotencyKeys). */
    public void confirm(@Variable("admission") Admission admission) {
        if (admission.idempotencyKey() != null) {
            keys.confirm(admission.idempotencyKey(), admission.idempotencyClaim(), admission.taskId());
        }
    }

    /** Best effort: removes what {@link #admit} wrote, after the queue refused the task (none: nothing to undo). */
    public void undo(@Variable("admission") Admission admission) {
        if (admission == null || admission.replay()) {
            return;
        }
        try {
            statuses.delete(admission.taskId());
            attachments.delete(admission.taskId());
            keys.release(admission.idempotencyKey());
        } catch (RuntimeException e) {
            // Redis is down: the orphan status record (for an id no client ever got) expires with its TTL
        }
    }

    /** What the request asked for: the task but its id and time (attachments with their content). */
    private String fingerprint(MailTask t) throws JsonProcessingException {
        return IdempotencyKeys.sha256(json.writeValueAsString(t.withIdentity(null, null)));
    }
}
