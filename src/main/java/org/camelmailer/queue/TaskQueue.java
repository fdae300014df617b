package org.camelmailer.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A reliable work queue on plain Redis data types, each step one atomic Lua script:
 * <ul>
 * <li>{@code <key>}: the ready list (producers LPUSH, workers take from the right end: oldest first);</li>
 * <li>{@code <key>:inflight}: a sorted set of the leases workers hold, scored by when they run out. Each claim is a
 * member of its own, {@code <token>|<entry>} with a token no other claim has: a holder whose lease ran out while
 * another worker claimed the same entry can no longer renew, acknowledge, retry or dead-letter it (its member is
 * gone), so it never ends the other claimer's lease;</li>
 * <li>{@code <key>:delayed}: a sorted set of entries waiting for a retry, scored by when they are due.</li>
 * </ul>
 * A worker that dies stops renewing its lease; the next claim by any worker puts the entry back first.
 * Reaping inside the claim script (not in a timer of its own) means no two workers ever race on one task.
 */
public final class TaskQueue {

    /** One claim of one entry: the member that stands for it in {@code <key>:inflight}, and the entry itself. */
    public record Lease(String member, String payload) {

        /** The lease a member of {@code <key>:inflight} stands for: {@code <token>|<entry>}. */
        static Lease of(String member) {
            int bar = member.indexOf('|');
            return new Lease(member, bar < 0 ? member : member.substring(bar + 1));
        }
    }

    static final String NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

    /**
     * Puts due retries and expired leases back, then takes the oldest ready entry as v under the new lease member m
     * (the token ARGV[2], '|', v), leased for ARGV[1] ms. A member without a token (written by an older version, whose
     * entries are JSON objects) is the entry itself.
     */
    private static final String TAKE = NOW_MS
            + "for _, v in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)) do "
            + "  redis.call('ZREM', KEYS[3], v) redis.call('RPUSH', KEYS[1], v) end "
            + "for _, x in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do "
            + "  redis.call('ZREM', KEYS[2], x) redis.call('RPUSH', KEYS[1], string.match(x, '^[%w.-]+|(.*)$') or x) end "
            + "local v = redis.call('RPOP', KEYS[1]) local m "
            + "if v then m = ARGV[2] .. '|' .. v redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), m) end ";

    private static final RedisScript<String> CLAIM = new DefaultRedisScript<>(TAKE + "return m", String.class);

    /**
     * The same, and the status record the entry names (ARGV[3] .. its task_id) is marked processing (attempts: its
     * attempt + 1, updated_at ARGV[5], TTL ARGV[4] ms) unless it says sent. Answers {lease member, 1 already sent | 0
     * marked | -1 not a task, nothing marked}. The status key is named inside the entry, not passed in KEYS: fine on
     * one server (or Sentinel), one more reason Redis Cluster is not supported.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM_MARKING = new DefaultRedisScript<>(
            TaskStatusStore.MARK_PROCESSING_UNLESS_SENT + TAKE
            + "if not v then return {} end "
            + "local ok, t = pcall(cjson.decode, v) "
            + "if not ok or type(t) ~= 'table' or type(t.task_id) ~= 'string' then return {m, -1} end "
            + "return {m, mark(ARGV[3] .. t.task_id, tostring((tonumber(t.attempt) or 0) + 1), ARGV[5], ARGV[4])}",
            List.class);

    // held is "the member is there", not "its score changed": ZADD CH answers 0 to a renewal in the millisecond of
    // the claim (or of the last renewal), and the worker took its own lease for lost
    private static final RedisScript<Long> RENEW = new DefaultRedisScript<>(NOW_MS
            + "if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end "
            + "redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1]) return 1", Long.class);

    /** Lua: ends the lease ARGV[1] held in KEYS[1]; the script returns 0 at once when it is no longer held. */
    static final String RELEASE_OR_RETURN = "if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end ";

    private static final RedisScript<Long> RETRY_LATER = new DefaultRedisScript<>(NOW_MS + RELEASE_OR_RETURN
            + "redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2]) return 1", Long.class);

    private static final RedisScript<Long> MOVE_TO_LIST = new DefaultRedisScript<>(RELEASE_OR_RETURN
            + "redis.call('LPUSH', KEYS[2], ARGV[2]) return 1", Long.class);

    private final StringRedisTemplate redis;
    private final String ready;
    private final String inflight;
    private final String delayed;
    /** Lease tokens: this queue object's random prefix and a count, unique across processes and restarts. */
    private final String tokenPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + ".";
    private final AtomicLong claims = new AtomicLong();

    public TaskQueue(StringRedisTemplate redis, String key) {
        this.redis = redis;
        this.ready = key;
        this.inflight = key + ":inflight";
        this.delayed = key + ":delayed";
    }

    /** Takes the oldest ready entry and leases it for {@code lease}; null when there is none. */
    public Lease claim(Duration lease) {
        String member = redis.execute(CLAIM, List.of(ready, inflight, delayed), Long.toString(lease.toMillis()), token());
        return member == null ? null : Lease.of(member);
    }

    private String token() {
        return tokenPrefix + claims.incrementAndGet();
    }

    /** A claimed entry, and whether its status record already said sent; null when the claim did not look. */
    public record Claimed(Lease lease, Boolean alreadySent) {

        public String payload() {
            return lease.payload();
        }
    }

    /**
     * {@link #claim} and {@link TaskStatusStore#processingUnlessSent} in one round trip (package-private: the
     * status store supplies its key prefix, TTL and clock). Null when there is no ready task.
     */
    Claimed claimMarking(Duration lease, String statusKeyPrefix, Duration statusTtl, String now) {
        List<?> r = redis.execute(CLAIM_MARKING, List.of(ready, inflight, delayed),
                Long.toString(lease.toMillis()), token(), statusKeyPrefix, Long.toString(statusTtl.toMillis()), now);
        if (r == null || r.isEmpty()) {
            return null;
        }
        long mark = ((Number) r.get(1)).longValue();
        return new Claimed(Lease.of((String) r.get(0)), mark < 0 ? null : mark == 1);
    }

    /** Extends a lease still held; false when it ran out and the entry was handed back (the lease is lost). */
    public boolean renew(Lease lease, Duration length) {
        Long changed = redis.execute(RENEW, List.of(inflight), lease.member(), Long.toString(length.toMillis()));
        return changed != null && changed > 0;
    }

    /** The task is done: forget it. False when this lease is no longer held (any other claimer's stays). */
    public boolean acknowledge(Lease lease) {
        Long removed = redis.opsForZSet().remove(inflight, lease.member());
        return removed != null && removed > 0;
    }

    /** The sorted set of held leases, for a script that ends a lease along with its own write. */
    String inflightKey() {
        return inflight;
    }

    /** The sorted set of entries waiting for a retry, for a script that schedules one along with its own write. */
    String delayedKey() {
        return delayed;
    }

    /** Hands a held task back to be tried again after {@code delay}, as {@code next} (e.g. its attempt count). */
    public boolean retryLater(Lease lease, String next, Duration delay) {
        Long moved = redis.execute(RETRY_LATER, List.of(inflight, delayed), lease.member(), next,
                Long.toString(delay.toMillis()));
        return moved != null && moved > 0;
    }

    /** Moves a held task out of the queue onto {@code listKey} (the dead-letter list) as {@code record}. */
    public boolean moveTo(Lease lease, String listKey, String record) {
        Long moved = redis.execute(MOVE_TO_LIST, List.of(inflight, listKey), lease.member(), record);
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
