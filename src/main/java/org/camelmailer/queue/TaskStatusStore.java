package org.camelmailer.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Task status records, like a Celery result backend: one Redis hash {@code mailer:task:<id>} per task,
 * expiring after the status TTL. Status is one of queued, processing, retrying, sent, failed.
 */
public final class TaskStatusStore {

    public static final String QUEUED = "queued";
    public static final String PROCESSING = "processing";
    public static final String RETRYING = "retrying";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    /** HSET and PEXPIRE together, so no record lives forever. ARGV: ttl, then field/value pairs. */
    private static final String HSET_PEXPIRE = "for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[1]) ";
    private static final RedisScript<Long> WRITE = new DefaultRedisScript<>(HSET_PEXPIRE + "return 1", Long.class);
    /**
     * Lua: the function {@code mark(key, attempts, now, ttl)} marks a record processing unless it says sent, and
     * answers 1 when it was already sent (nothing written), else 0. The one statement of that rule: for
     * {@link #processingUnlessSent} and for the queue's claim-and-mark script.
     */
    static final String MARK_PROCESSING_UNLESS_SENT = "local function mark(key, attempts, now, ttl) "
            + "if redis.call('HGET', key, 'status') == '" + SENT + "' then return 1 end "
            + "redis.call('HSET', key, 'status', '" + PROCESSING + "', 'attempts', attempts, 'updated_at', now, 'error', '') "
            + "redis.call('PEXPIRE', key, ttl) return 0 end ";
    private static final RedisScript<Long> PROCESSING_UNLESS_SENT = new DefaultRedisScript<>(
            MARK_PROCESSING_UNLESS_SENT + "return mark(KEYS[1], ARGV[1], ARGV[2], ARGV[3])", Long.class);

    /**
     * The sent record and the queue's acknowledge in one script: one round trip less per mail, and no moment when
     * a task is sent but still held. ARGV: ttl, field/value pairs, then the queue entry.
     */
    private static final RedisScript<Long> WRITE_AND_ACKNOWLEDGE = new DefaultRedisScript<>(
            "local entry = table.remove(ARGV) " + HSET_PEXPIRE + "return redis.call('ZREM', KEYS[2], entry)", Long.class);

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
     * Claims the next task of {@code queue} and, in the same round trip, does what {@link #processingUnlessSent}
     * does to its record. Null when the queue is empty.
     */
    public TaskQueue.Claimed claimMarkingProcessing(TaskQueue queue, Duration lease) {
        return queue.claimMarking(lease, KEY_PREFIX, ttl, now());
    }

    public void queued(MailTask task) {
        write(task.taskId(), "task_id", task.taskId(), "status", QUEUED, "attempts", "0",
                "enhanced", "false", "created_at", task.createdAt(), "updated_at", now(), "error", "");
    }

    public void update(String taskId, String status, int attempts, String error) {
        write(taskId, "status", status, "attempts", Integer.toString(attempts), "updated_at", now(),
                "error", error == null ? "" : error);
    }

    /** The final record of a delivered task, in one write. The note says why an enhancement fell back, if it did. */
    public void sent(String taskId, int attempts, boolean enhanced, String note) {
        write(taskId, sentFields(attempts, enhanced, note));
    }

    /** {@link #sent} and {@link TaskQueue#acknowledge} of the entry {@code payload} of {@code queue}, atomically. */
    public void sentAndAcknowledged(String taskId, int attempts, boolean enhanced, String note, TaskQueue queue,
            String payload) {
        String[] fields = sentFields(attempts, enhanced, note);
        String[] args = Arrays.copyOf(args(fields), fields.length + 2);
        args[args.length - 1] = payload;
        redis.execute(WRITE_AND_ACKNOWLEDGE, List.of(key(taskId), queue.inflightKey()), (Object[]) args);
    }

    private static String[] sentFields(int attempts, boolean enhanced, String note) {
        return new String[] {"status", SENT, "attempts", Integer.toString(attempts), "enhanced", Boolean.toString(enhanced),
                "updated_at", now(), "error", note == null ? "" : note};
    }

    public void delete(String taskId) {
        redis.delete(key(taskId));
    }

    /**
     * A worker takes the task: marks it processing in one round trip, or answers true (and writes nothing) when
     * it was already sent, i.e. this is a redelivery that must not mail again.
     */
    public boolean processingUnlessSent(String taskId, int attempts) {
        Long sent = redis.execute(PROCESSING_UNLESS_SENT, List.of(key(taskId)), Integer.toString(attempts), now(),
                Long.toString(ttl.toMillis()));
        return sent != null && sent == 1;
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
        return view;
    }

    private void write(String taskId, String... fieldsAndValues) {
        redis.execute(WRITE, List.of(key(taskId)), (Object[]) args(fieldsAndValues));
    }

    /** The scripts' ARGV: the TTL, then the field/value pairs. */
    private String[] args(String... fieldsAndValues) {
        String[] args = new String[fieldsAndValues.length + 1];
        args[0] = Long.toString(ttl.toMillis());
        System.arraycopy(fieldsAndValues, 0, args, 1, fieldsAndValues.length);
        return args;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
