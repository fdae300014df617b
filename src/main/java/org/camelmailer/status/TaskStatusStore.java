package org.camelmailer.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.message.MailTask;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.queue.TaskRecords;

import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Task status records, like a Celery result backend: one Redis hash {@code mailer:task:<id>} per task,
 * expiring after the status TTL. Status is one of queued, processing, retrying, sent, failed. The API writes queued;
 * the worker's changes go through the queue ({@link TaskRecords}: the claim marks processing, a retry, a dead letter
 * or the end of a task writes its record in the same script as its own move); sent is never overwritten.
 */
public final class TaskStatusStore implements TaskRecords {

    public static final String QUEUED = "queued";
    public static final String PROCESSING = "processing";
    public static final String RETRYING = "retrying";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    /** HSET and PEXPIRE together, so no record lives forever. ARGV: ttl, then field/value pairs. */
    private static final RedisScript<Long> WRITE = new DefaultRedisScript<>(
            "for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1", Long.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringRedisTemplate redis;
    private final Duration ttl;

    public TaskStatusStore(StringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    private static final String KEY_PREFIX = "mailer:task:";

    static String key(String taskId) {
        return KEY_PREFIX + taskId;
    }

    /**
     * Claims the next task of {@code queue} and, in the same round trip, marks its record processing (attempts: the
     * entry's attempt + 1) unless it says sent. Null when the queue is empty.
     */
    public TaskQueue.Claimed claimMarkingProcessing(TaskQueue queue, Duration lease) {
        return queue.claim(lease, this);
    }

    @Override
    public String keyPrefix() {
        return KEY_PREFIX;
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public String doneField() {
        return "status";
    }

    @Override
    public String doneValue() {
        return SENT;
    }

    @Override
    public String attemptsField() {
        return "attempts";
    }

    @Override
    public List<String> claimedFields() {
        return List.of("status", PROCESSING, "updated_at", now(), "error", "");
    }

    /** The first record of an accepted task, with what GET /message/{id} shows of the message itself. */
    public void queued(MailTask task) {
        write(task.taskId(), queuedFields(task).toArray(String[]::new));
    }

    /**
     * {@link #queued} as commands of a pipeline the caller runs (HSET, then PEXPIRE: a pipeline cannot fall back from
     * EVALSHA to EVAL as the script call does).
     */
    public void queued(RedisOperations<String, String> pipeline, MailTask task) {
        List<String> fields = queuedFields(task);
        Map<String, String> hash = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i += 2) {
            hash.put(fields.get(i), fields.get(i + 1));
        }
        pipeline.opsForHash().putAll(key(task.taskId()), hash);
        pipeline.expire(key(task.taskId()), ttl);
    }

    private static List<String> queuedFields(MailTask task) {
        List<String> fields = new ArrayList<>(List.of("task_id", task.taskId(), "status", QUEUED, "attempts", "0",
                "enhanced", "false", "created_at", task.createdAt(), "updated_at", now(), "error", "",
                "recipients", Integer.toString(task.recipients().size())));
        try {
            if (!task.tags().isEmpty()) {
                fields.addAll(List.of("tags", JSON.writeValueAsString(task.tags())));
            }
            if (!task.metadata().isEmpty()) {
                fields.addAll(List.of("metadata", JSON.writeValueAsString(task.metadata())));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return fields;
    }

    public void update(String taskId, String status, int attempts, String error) {
        write(taskId, updateFields(status, attempts, error));
    }

    private static String[] updateFields(String status, int attempts, String error) {
        return new String[] {"status", status, "attempts", Integer.toString(attempts), "updated_at", now(),
                "error", error == null ? "" : error};
    }

    /** The final record of a delivered task, in one write. The note says why an enhancement fell back, if it did. */
    public void sent(String taskId, int attempts, boolean enhanced, String note) {
        write(taskId, sentFields(attempts, enhanced, note));
    }

    /** {@link #sent} and the end of this claim's {@code lease} on {@code queue}, in one round trip. */
    public void sentAndAcknowledged(String taskId, int attempts, boolean enhanced, String note, TaskQueue queue,
            TaskQueue.Lease lease) {
        queue.finish(lease, key(taskId), this, sentFields(attempts, enhanced, note));
    }

    /**
     * Status retrying (with the error) and the task back on {@code queue} as {@code next} after {@code delay}, in one
     * script: only while {@code lease} is still held, and never over a sent record.
     */
    public TaskQueue.Settled retryingAndDelayed(String taskId, int attempts, String error, TaskQueue queue,
            TaskQueue.Lease lease, String next, Duration delay) {
        return queue.retryLater(lease, next, delay, key(taskId), this, updateFields(RETRYING, attempts, error));
    }

    /**
     * Status failed (with the error) and {@code record} on the dead-letter list {@code deadLetters}, in one script: only
     * while {@code lease} is still held, and never over a sent record.
     */
    public TaskQueue.Settled failedAndDeadLettered(String taskId, int attempts, String error, TaskQueue queue,
            TaskQueue.Lease lease, String deadLetters, String record) {
        return queue.moveTo(lease, deadLetters, record, key(taskId), this, updateFields(FAILED, attempts, error));
    }

    private static String[] sentFields(int attempts, boolean enhanced, String note) {
        return new String[] {"status", SENT, "attempts", Integer.toString(attempts), "enhanced", Boolean.toString(enhanced),
                "updated_at", now(), "error", note == null ? "" : note};
    }

    public void delete(String taskId) {
        redis.delete(key(taskId));
    }

    /** True when the record says sent: a redelivery that must not mail again. */
    public boolean isSent(String taskId) {
        return SENT.equals(redis.opsForHash().get(key(taskId), "status"));
    }

    /** The record as the API shows it, or null for an unknown (or expired) id. */
    public Map<String, Object> find(String taskId) {
        Map<Object, Object> raw = redis.opsForHash().entries(key(taskId));
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("task_id", taskId);
        view.put("status", raw.get("status"));
        view.put("attempts", Integer.parseInt(String.valueOf(raw.getOrDefault("attempts", "0"))));
        view.put("enhanced", Boolean.parseBoolean(String.valueOf(raw.get("enhanced"))));
        view.put("created_at", raw.get("created_at"));
        view.put("updated_at", raw.get("updated_at"));
        Object error = raw.get("error");
        view.put("error", error == null || "".equals(error) ? null : error);
        // a record written before the message API grew had one recipient, no tags, no metadata
        view.put("recipients", Integer.parseInt(String.valueOf(raw.getOrDefault("recipients", "1"))));
        view.put("tags", parsed(raw.get("tags"), List.of()));
        view.put("metadata", parsed(raw.get("metadata"), Map.of()));
        return view;
    }

    private static Object parsed(Object stored, Object none) {
        if (stored == null) {
            return none;
        }
        try {
            return JSON.readValue(String.valueOf(stored), Object.class);
        } catch (JsonProcessingException e) {
            return none;
        }
    }

    private void write(String taskId, String[] fieldsAndValues) {
        redis.execute(WRITE, List.of(key(taskId)), args(fieldsAndValues));
    }

    /** The script's ARGV: the TTL, then the field/value pairs. */
    private Object[] args(String[] fieldsAndValues) {
        Object[] args = new Object[fieldsAndValues.length + 1];
        args[0] = Long.toString(ttl.toMillis());
        System.arraycopy(fieldsAndValues, 0, args, 1, fieldsAndValues.length);
        return args;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
