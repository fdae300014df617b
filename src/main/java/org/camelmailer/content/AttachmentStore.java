package org.camelmailer.content;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Variable;
import org.camelmailer.message.Attachment;
import org.camelmailer.message.MailTask;
import org.camelmailer.message.Timestamps;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Where attachments wait while their task is queued: one Redis hash {@code mailer:content:<task_id>} (field {@code i}:
 * the bytes of the task's attachment {@code i}), apart from the queue entry, so the lists, leases and
 * retries of the queue move a few hundred bytes per task whatever its attachments weigh. Written with the task's
 * queued record, read when the mail is composed, removed once the task is sent; otherwise it expires after
 * {@code ttl} (longer than a task may be retried; from its send time for a scheduled task), so a dead letter can still
 * be re-driven meanwhile.
 */
public final class AttachmentStore {

    private static final String KEY_PREFIX = "mailer:content:";

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
        // one hash field per attachment, its decoded bytes: 10 MiB, not the 14 MB of its base64, in Redis and in the
        // worker that reads it back
        byte[] key = key(task.taskId()).getBytes(StandardCharsets.UTF_8);
        Map<byte[], byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < task.attachments().size(); i++) {
            contents.put(field(i), task.attachments().get(i).content());
        }
        long keep = ttlUntil(task.sendAt() == null ? null : java.time.Instant.parse(task.sendAt())).toMillis();
        redis.execute((RedisCallback<Object>) connection -> {
            connection.hashCommands().hMSet(key, contents);
            connection.keyCommands().pExpire(key, keep);
            return null;
        });
        return task.withAttachments(task.attachments().stream().map(Attachment::withoutContent).toList());
    }

    /** How long contents are kept: the TTL, from the task's send time when it is scheduled. */
    private Duration ttlUntil(java.time.Instant sendAt) {
        return Timestamps.keptFor(ttl, sendAt);
    }

    /**
     * The record pseudo-field ({@code queue.TaskQueue.PUT}'s {@code +keep:}) that keeps a task's contents, if any, as
     * long as it may wait for {@code sendAt} (null: now) and then be retried: written with a reschedule or a cancel.
     */
    public String[] keptUntil(String taskId, java.time.Instant sendAt) {
        return new String[] {"+keep:" + key(taskId), Long.toString(ttlUntil(sendAt).toMillis())};
    }

    /**
     * The route's step before the mail is composed: the content of the task's attachments, in their order (none: an
     * empty list). A task whose content is gone (expired, or its Redis lost it) fails: the mail would go out without
     * what it promised.
     */
    public List<byte[]> contents(@Variable("task") MailTask task) {
        int count = task.attachments().size();
        if (count == 0) {
            return List.of();
        }
        byte[][] fields = new byte[count][];
        for (int i = 0; i < count; i++) {
            fields[i] = field(i);
        }
        byte[] key = key(task.taskId()).getBytes(StandardCharsets.UTF_8);
        List<byte[]> contents = redis.execute((RedisCallback<List<byte[]>>) c -> c.hashCommands().hMGet(key, fields));
        for (int i = 0; i < count; i++) {
            if (contents == null || contents.get(i) == null) {
                throw new MissingContentException("attachment " + i + " of task " + task.taskId()
                        + " is no longer in Redis (kept " + ttl + ")");
            }
        }
        return contents;
    }

    private static byte[] field(int index) {
        return Integer.toString(index).getBytes(StandardCharsets.US_ASCII);
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
