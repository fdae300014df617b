package org.camelmailer.queue;

import java.time.Duration;
import java.time.Instant;
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

    /** Lua: {@code write(key, ttl, from)} HSETs the field/value pairs of ARGV from index {@code from} and sets the TTL. */
    private static final String WRITE_FN = "local function write(key, ttl, from) "
            + "for i = from, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end "
            + "redis.call('PEXPIRE', key, ttl) end ";
    /** HSET and PEXPIRE together, so no record lives forever. ARGV: ttl, then field/value pairs. */
    private static final RedisScript<Long> WRITE = new DefaultRedisScript<>(
            WRITE_FN + "write(KEYS[1], ARGV[1], 2) return 1", Long.class);
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
     * The sent record and the end of the lease in one script: one round trip less per mail, and no moment when a task
     * is sent but still held. Written whoever holds the lease now (the mail was accepted: that is what sent says);
     * only this claim's own lease ends. KEYS: status, inflight. ARGV: lease member, ttl, field/value pairs.
     */
    private static final RedisScript<Long> WRITE_AND_ACKNOWLEDGE = new DefaultRedisScript<>(
            WRITE_FN + "write(KEYS[1], ARGV[2], 3) return redis.call('ZREM', KEYS[2], ARGV[1])", Long.class);

    /**
     * Lua, for the failure scripts: nothing happens unless this claim still holds its lease (KEYS[1], ARGV[1]): a
     * holder whose lease ran out leaves the task to whoever claimed it since (answers 0). A task already recorded sent
     * (by an earlier holder) is not marked again: its lease just ends (answers 2).
     */
    private static final String HELD_AND_NOT_SENT = TaskQueue.RELEASE_OR_RETURN
            + "if redis.call('HGET', KEYS[2], 'status') == '" + SENT + "' then return 2 end ";

    /** KEYS: inflight, status, delayed. ARGV: lease member, next entry, delay ms, ttl, field/value pairs. */
    private static final RedisScript<Long> RETRYING_AND_DELAYED = new DefaultRedisScript<>(WRITE_FN + TaskQueue.NOW_MS
            + HELD_AND_NOT_SENT + "write(KEYS[2], ARGV[4], 5) "
            + "redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[2]) return 1", Long.class);

    /** KEYS: inflight, status, dead-letter list. ARGV: lease member, dead-letter record, ttl, field/value pairs. */
    private static final RedisScript<Long> FAILED_AND_DEAD_LETTERED = new DefaultRedisScript<>(WRITE_FN
            + HELD_AND_NOT_SENT + "write(KEYS[2], ARGV[3], 4) redis.call('LPUSH', KEYS[3], ARGV[2]) return 1", Long.class);

    /** What a failure script did. */
    public enum Settled {
        /** The lease ran out and the task was claimed again: nothing written, the new holder decides. */
        LEASE_LOST,
        /** Status written and the task moved (to its retry, or to the dead letters). */
        DONE,
        /** An earlier holder recorded the task sent: the lease ended, nothing else changed. */
        ALREADY_SENT;

        static Settled of(Long result) {
            return result == null || result == 0 ? LEASE_LOST : result == 2 ? ALREADY_SENT : DONE;
        }
    }

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
        write(task.taskId(), new String[] {"task_id", task.taskId(), "status", QUEUED, "attempts", "0",
                "enhanced", "false", "created_at", task.createdAt(), "updated_at", now(), "error", ""});
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

    /** {@link #sent} and {@link TaskQueue#acknowledge} of this claim's {@code lease} on {@code queue}, atomically. */
    public void sentAndAcknowledged(String taskId, int attempts, boolean enhanced, String note, TaskQueue queue,
            TaskQueue.Lease lease) {
        redis.execute(WRITE_AND_ACKNOWLEDGE, List.of(key(taskId), queue.inflightKey()),
                (Object[]) args(sentFields(attempts, enhanced, note), lease.member()));
    }

    /**
     * Status retrying (with the error) and the task back on {@code queue} as {@code next} after {@code delay}, in one
     * script: only while {@code lease} is still held, and never over a sent record.
     */
    public Settled retryingAndDelayed(String taskId, int attempts, String error, TaskQueue queue, TaskQueue.Lease lease,
            String next, Duration delay) {
        return Settled.of(redis.execute(RETRYING_AND_DELAYED, List.of(queue.inflightKey(), key(taskId), queue.delayedKey()),
                (Object[]) args(updateFields(RETRYING, attempts, error), lease.member(), next,
                        Long.toString(delay.toMillis()))));
    }

    /**
     * Status failed (with the error) and {@code record} on the dead-letter list {@code deadLetters}, in one script: only
     * while {@code lease} is still held, and never over a sent record.
     */
    public Settled failedAndDeadLettered(String taskId, int attempts, String error, TaskQueue queue,
            TaskQueue.Lease lease, String deadLetters, String record) {
        return Settled.of(redis.execute(FAILED_AND_DEAD_LETTERED, List.of(queue.inflightKey(), key(taskId), deadLetters),
                (Object[]) args(updateFields(FAILED, attempts, error), lease.member(), record)));
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

    private void write(String taskId, String[] fieldsAndValues) {
        redis.execute(WRITE, List.of(key(taskId)), (Object[]) args(fieldsAndValues));
    }

    /** The scripts' ARGV: {@code leading} (lease member...), the TTL, then the field/value pairs. */
    private String[] args(String[] fieldsAndValues, String... leading) {
        String[] args = new String[leading.length + 1 + fieldsAndValues.length];
        System.arraycopy(leading, 0, args, 0, leading.length);
        args[leading.length] = Long.toString(ttl.toMillis());
        System.arraycopy(fieldsAndValues, 0, args, leading.length + 1, fieldsAndValues.length);
        return args;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
