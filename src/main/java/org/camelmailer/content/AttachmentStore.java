package org.camelmailer.content;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Variable;
import org.camelmailer.message.Attachment;
import org.camelmailer.message.MailTask;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Where attachments wait while their task is queued: one Redis string {@code mailer:content:<task_id>} (the contents in
 * base64, as a JSON array in the task's attachment order), apart from the queue entry, so the lists, leases and
 * retries of the queue move a few hundred bytes per task whatever its attachments weigh. Written with the task's
 * queued record, read when the mail is composed, removed once the task is sent; otherwise it expires after
 * {@code ttl} (longer than a task may be retried), so a dead letter can still be re-driven meanwhile.
 */
public final class AttachmentStore {

    private static final String KEY_PREFIX = "mailer:content:";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> CONTENTS = new TypeReference<>() { };

    private final StringRedisTemplate redis;
    private final Duration ttl;

    public AttachmentStore(StringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    static String key(String taskId) {
        return KEY_PREFIX + taskId;
    }

    /** Stores the contents of {@code task}'s attachments; returns the task as the queue keeps it, without them. */
    public MailTask save(MailTask task) {
        return save(redis, task);
    }

    /** {@link #save} through {@code redis}: this store's template, or a pipeline the caller runs. */
    public MailTask save(RedisOperations<String, String> redis, MailTask task) {
        if (task.attachments().isEmpty()) {
            return task;
        }
        List<String> contents = task.attachments().stream().map(Attachment::content).toList();
        try {
            redis.opsForValue().set(key(task.taskId()), JSON.writeValueAsString(contents), ttl);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return task.withAttachments(task.attachments().stream().map(Attachment::withoutContent).toList());
    }

    /**
     * The route's step before the mail is composed: the task with its attachments' content. A task whose content is
     * gone (expired, or its Redis lost it) fails: the mail would go out without what it promised.
     */
    public MailTask restore(@Variable("task") MailTask task) {
        if (task.attachments().isEmpty() || task.attachments().get(0).content() != null) {
            return task;
        }
        String stored = redis.opsForValue().get(key(task.taskId()));
        if (stored == null) {
            throw new MissingContentException("the attachments of task " + task.taskId() + " are no longer in Redis "
                    + "(kept " + ttl + ")");
        }
        List<String> contents;
        try {
            contents = JSON.readValue(stored, CONTENTS);
        } catch (JsonProcessingException e) {
            throw new MissingContentException("the attachments of task " + task.taskId() + " are unreadable in Redis");
        }
        if (contents.size() != task.attachments().size()) {
            throw new MissingContentException("task " + task.taskId() + " has " + task.attachments().size()
                    + " attachments, Redis holds " + contents.size());
        }
        List<Attachment> restored = new ArrayList<>(contents.size());
        for (int i = 0; i < contents.size(); i++) {
            restored.add(task.attachments().get(i).withContent(contents.get(i)));
        }
        return task.withAttachments(restored);
    }

    /** The route's step once the task is sent; best effort (the key expires anyway). */
    public void forget(@Variable("task") MailTask task) {
        if (task.attachments().isEmpty()) {
            return;
        }
        try {
            redis.delete(key(task.taskId()));
        } catch (RuntimeException e) {
            // Redis away: the key expires with its TTL
        }
    }

    public void delete(String taskId) {
        redis.delete(key(taskId));
    }

    /** The attachments a task promised are gone: it cannot be sent as asked (permanent: dead-lettered at once). */
    public static final class MissingContentException extends IllegalArgumentException {
        public MissingContentException(String message) {
            super(message);
        }
    }
}
