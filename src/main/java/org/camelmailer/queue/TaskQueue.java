package org.camelmailer.queue;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A reliable work queue on plain Redis data types, each step one atomic Lua script:
 * <ul>
 * <li>{@code <key>}: the ready list (producers LPUSH, workers take from the right end: oldest first);</li>
 * <li>{@code <key>:inflight}: a sorted set of the tasks workers hold, scored by the end of their lease;</li>
 * <li>{@code <key>:delayed}: a sorted set of tasks waiting for a retry, scored by when they are due.</li>
 * </ul>
 * A worker that dies stops renewing its lease; the next claim by any worker puts the task back first.
 * Reaping inside the claim script (not in a timer of its own) means no two workers ever race on one task.
 */
public final class TaskQueue {

    private static final String NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

    /** Puts due retries and expired leases back, then takes the oldest ready entry as v, leased for ARGV[1] ms. */
    private static final String TAKE = NOW_MS
            + "for _, set in ipairs({KEYS[3], KEYS[2]}) do "
            + "  for _, v in ipairs(redis.call('ZRANGEBYSCORE', set, '-inf', now, 'LIMIT', 0, 100)) do "
            + "    redis.call('ZREM', set, v) redis.call('RPUSH', KEYS[1], v) end end "
            + "local v = redis.call('RPOP', KEYS[1]) "
            + "if v then redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), v) end ";

    private static final RedisScript<String> CLAIM = new DefaultRedisScript<>(TAKE + "return v", String.class);

    /**
     * The same, and the status record the entry names (ARGV[2] .. its task_id) is marked processing (attempts: its
     * attempt + 1, updated_at ARGV[4], TTL ARGV[3] ms) unless it says sent. Answers {entry, 1 already sent | 0
     * marked | -1 not a task, nothing marked}. The status key is named inside the entry, not passed in KEYS: fine on
     * one server (or Sentinel), one more reason Redis Cluster is not supported.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM_MARKING = new DefaultRedisScript<>(
            TaskStatusStore.MARK_PROCESSING_UNLESS_SENT + TAKE
            + "if not v then return {} end "
            + "local ok, t = pcall(cjson.decode, v) "
            + "if not ok or type(t) ~= 'table' or type(t.task_id) ~= 'string' then return {v, -1} end "
            + "return {v, mark(ARGV[2] .. t.task_id, tostring((tonumber(t.attempt) or 0) + 1), ARGV[4], ARGV[3])}",
            List.class);

    private static final RedisScript<Long> RENEW = new DefaultRedisScript<>(NOW_MS
            + "return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1])", Long.class);

    private static final RedisScript<Long> RETRY_LATER = new DefaultRedisScript<>(NOW_MS
            + "if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end "
            + "redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2]) return 1", Long.class);

    private static final RedisScript<Long> MOVE_TO_LIST = new DefaultRedisScript<>(
            "if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end "
            + "redis.call('LPUSH', KEYS[2], ARGV[2]) return 1", Long.class);

    private final StringRedisTemplate redis;
    private final String ready;
    private final String inflight;
    private final String delayed;

    public TaskQueue(StringRedisTemplate redis, String key) {
        this.redis = redis;
        this.ready = key;
        this.inflight = key + ":inflight";
        this.delayed = key + ":delayed";
    }

    /** Takes the oldest ready task and leases it for {@code lease}; null when there is none. */
    public String claim(Duration lease) {
        return redis.execute(CLAIM, List.of(ready, inflight, delayed), Long.toString(lease.toMillis()));
    }

    /** A claimed entry, and whether its status record already said sent; null when the claim did not look. */
    public record Claimed(String payload, Boolean alreadySent) {
    }

    /**
     * {@link #claim} and {@link TaskStatusStore#processingUnlessSent} in one round trip (package-private: the
     * status store supplies its key prefix, TTL and clock). Null when there is no ready task.
     */
    Claimed claimMarking(Duration lease, String statusKeyPrefix, Duration statusTtl, String now) {
        List<?> r = redis.execute(CLAIM_MARKING, List.of(ready, inflight, delayed), Long.toString(lease.toMillis()),
                statusKeyPrefix, Long.toString(statusTtl.toMillis()), now);
        if (r == null || r.isEmpty()) {
            return null;
        }
        long mark = ((Number) r.get(1)).longValue();
        return new Claimed((String) r.get(0), mark < 0 ? null : mark == 1);
    }

    /** Extends the lease of a task still held; false when it was already handed back (lease lost). */
    public boolean renew(String payload, Duration lease) {
        Long changed = redis.execute(RENEW, List.of(inflight), payload, Long.toString(lease.toMillis()));
        return changed != null && changed > 0;
    }

    /**
     * The task is done: forget it. False when no worker holds it any more. Entries are keyed by their text, so
     * when a lease ran out and another worker claimed the task, this also ends that worker's lease; the
     * status record (sent before acknowledge) keeps that second worker from mailing it again.
     */
    public boolean acknowledge(String payload) {
        Long removed = redis.opsForZSet().remove(inflight, payload);
        return removed != null && removed > 0;
    }

    /** The sorted set of held entries, for a script that acknowledges along with its own write. */
    String inflightKey() {
        return inflight;
    }

    /** Hands a held task back to be tried again after {@code delay}, as {@code next} (e.g. its attempt count). */
    public boolean retryLater(String payload, String next, Duration delay) {
        Long moved = redis.execute(RETRY_LATER, List.of(inflight, delayed), payload, next,
                Long.toString(delay.toMillis()));
        return moved != null && moved > 0;
    }

    /** Moves a held task out of the queue onto {@code listKey} (the dead-letter list) as {@code record}. */
    public boolean moveTo(String payload, String listKey, String record) {
        Long moved = redis.execute(MOVE_TO_LIST, List.of(inflight, listKey), payload, record);
        return moved != null && moved > 0;
    }

    /** Tasks waiting: ready plus scheduled for a retry (not those being worked on). */
    public long depth() {
        Long size = redis.opsForList().size(ready);
        Long waiting = redis.opsForZSet().zCard(delayed);
        return (size == null ? 0 : size) + (waiting == null ? 0 : waiting);
    }

    public long inflight() {
        Long n = redis.opsForZSet().zCard(inflight);
        return n == null ? 0 : n;
    }

    public String key() {
        return ready;
    }
}
