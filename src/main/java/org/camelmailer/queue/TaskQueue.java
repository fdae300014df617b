package org.camelmailer.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
        public static Lease of(String member) {
            int bar = member.indexOf('|');
            return new Lease(member, bar < 0 ? member : member.substring(bar + 1));
        }
    }

    private static final String NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

    /**
     * Due entries of {@code <key>:delayed} one claim moves to the ready list (in two bulk commands per 500): 100,000
     * tasks scheduled for the same second are all ready after 100 claims, and one claim keeps Redis for about a
     * millisecond at most.
     */
    static final int MOVED_PER_CLAIM = 1000;

    /**
     * Puts due retries and scheduled entries (earliest due taken first), and expired leases back, then takes the oldest ready entry as v under the new lease member m
     * (the token ARGV[2], '|', v), leased for ARGV[1] ms. A member without a token (written by an older version, whose
     * entries are JSON objects) is the entry itself.
     */
    private static final String TAKE = NOW_MS
            + "local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, " + MOVED_PER_CLAIM + ") "
            + "for j = #due, 1, -500 do "
            + "  local i = math.max(j - 499, 1) local back = {} "
            + "  for k = j, i, -1 do back[#back + 1] = due[k] end "
            + "  redis.call('ZREM', KEYS[3], unpack(due, i, j)) redis.call('RPUSH', KEYS[1], unpack(back)) end "
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
    /**
     * Lua, {@code mark(key, attempts, ttl, from)}: a record not done (ARGV[from], ARGV[from + 1] the done field and
     * value) gets the attempts field (ARGV[from + 2]) set to {@code attempts} and the field/value pairs after it, and
     * its TTL; answers 1 when it was done (nothing written), else 0.
     */
    private static final String MARK = "local function mark(key, attempts, ttl, from) "
            + "if redis.call('HGET', key, ARGV[from]) == ARGV[from + 1] then return 1 end "
            + "redis.call('HSET', key, ARGV[from + 2], attempts) "
            + "put(key, ttl, from + 3, attempts) return 0 end ";

    /**
     * Lua, {@code put(key, ttl, from, attempts)}: writes the record {@code key} from the field/value pairs of ARGV
     * from index {@code from} (its hash fields in one HSET), and sets its TTL. A field is a hash field, unless it starts
     * with {@code +}, which names something written with the record, in the same script, so it happens exactly when the
     * record changes:
     * <ul>
     * <li>{@code +event}: the value is appended to the list {@code key:events} (the record's history, the last 200,
     * same TTL) after {@code %SEQ%} in it became the event's number in the record's count {@code events};</li>
     * <li>{@code +push:<list>}: the value is LPUSHed onto {@code <list>} (an outbox: a webhook job), {@code %SEQ%}
     * as in the event written before it;</li>
     * <li>{@code +zadd:<set>} / {@code +zrem:<set>}: the value joins / leaves the sorted set {@code <set>} (an index),
     * scored by the record's {@code indexed_ms} (when its TTL counts from: its creation, a scheduled task's send time;
     * {@code created_ms} for a record without one); entries scored longer ago than the TTL leave the set when it is
     * read, and as one is added for one record in 16 (a score that is a multiple of 16: the cost of a sweep, without a
     * sweeper);</li>
     * <li>{@code +hdel}: the hash field the value names is removed from the record;</li>
     * <li>{@code +keep:<key>}: {@code <key>} (if any) now expires in the value's ms (a scheduled task's attachments);</li>
     * <li>{@code +list:<list>}: the value, as it is, is LPUSHed onto {@code <list>} (a task's queue entry);</li>
     * <li>{@code +zset:<set>}: the value is {@code "<score> <member>"}, the member ZADDed to {@code <set>} as it is (a
     * scheduled task's entry in its queue's delayed set);</li>
     * <li>{@code +move:<prefix>}: the task (its record's task_id, scored as for {@code +zadd:}) leaves the set
     * {@code <prefix><status before>} (the record's status before this write, when it writes one) and joins
     * {@code <prefix><value>} (the index by status: one ZREM and one ZADD whatever the statuses);</li>
     * <li>{@code +count:<key>}: the counter {@code <key>} is incremented and expires in the value's ms (the tasks sent
     * or failed in one minute, counted as the status changes).</li>
     * </ul>
     * In every other value, {@code %ATTEMPT%} becomes {@code attempts} (when given) and {@code %ID%} the record's
     * task_id.
     */
    public static final String PUT = "local function put(key, ttl, from, attempts) "
            + "local seq, id, score, old, fields = nil, nil, nil, nil, {} "
            + "local function flush() if #fields > 0 then redis.call('HSET', key, unpack(fields)) fields = {} end end "
            + "local function scored() return score or tonumber(redis.call('HGET', key, 'indexed_ms') "
            + "  or redis.call('HGET', key, 'created_ms') or '0') end "
            + "for i = from, #ARGV, 2 do "
            + "  local f, v = ARGV[i], ARGV[i + 1] "
            + "  if string.byte(f, 1) ~= 43 then "
            + "    fields[#fields + 1] = f fields[#fields + 1] = v "
            + "    if f == 'indexed_ms' then score = tonumber(v) elseif f == 'task_id' then id = v "
            + "    elseif f == 'status' and old == nil then old = redis.call('HGET', key, 'status') or false end "
            + "  else "
            + "    flush() "
            + "    local kind = string.sub(f, 1, 6) "
            + "    if kind == '+list:' then redis.call('LPUSH', string.sub(f, 7), v) "
            + "    elseif kind == '+zset:' then "
            + "      local sp = string.find(v, ' ', 1, true) "
            + "      redis.call('ZADD', string.sub(f, 7), string.sub(v, 1, sp - 1), string.sub(v, sp + 1)) "
            + "    elseif kind == '+move:' then "
            + "      local prefix = string.sub(f, 7) "
            + "      id = id or redis.call('HGET', key, 'task_id') or '' "
            + "      score = scored() "
            + "      if old and old ~= v then redis.call('ZREM', prefix .. old, id) end "
            + "      redis.call('ZADD', prefix .. v, score, id) redis.call('PEXPIRE', prefix .. v, ttl) "
            + "    elseif kind == '+count' then "
            + "      local counter = string.sub(f, 8) redis.call('INCR', counter) redis.call('PEXPIRE', counter, v) "
            + "    else "
            + "      if attempts then v = string.gsub(v, '%%ATTEMPT%%', attempts) end "
            + "      if string.find(v, '%ID%', 1, true) then "
            + "        id = id or redis.call('HGET', key, 'task_id') or '' "
            + "        v = string.gsub(v, '%%ID%%', (string.gsub(id, '%%', '%%%%'))) end "
            + "      if kind == '+event' then "
            + "        seq = redis.call('HINCRBY', key, 'events', 1) v = string.gsub(v, '%%SEQ%%', seq) "
            + "        redis.call('RPUSH', key .. ':events', v) "
            + "        if seq > 200 then redis.call('LTRIM', key .. ':events', -200, -1) end "
            + "        redis.call('PEXPIRE', key .. ':events', ttl) "
            + "      elseif kind == '+push:' then "
            + "        if seq then v = string.gsub(v, '%%SEQ%%', seq) end redis.call('LPUSH', string.sub(f, 7), v) "
            + "      elseif kind == '+zadd:' then "
            + "        local set = string.sub(f, 7) "
            + "        score = scored() "
            + "        redis.call('ZADD', set, score, v) "
            + "        if score % 16 == 0 then "
            + "          redis.call('ZREMRANGEBYSCORE', set, '-inf', '(' .. (score - tonumber(ttl))) end "
            + "        redis.call('PEXPIRE', set, ttl) "
            + "      elseif kind == '+zrem:' then redis.call('ZREM', string.sub(f, 7), v) "
            + "      elseif kind == '+hdel' then redis.call('HDEL', key, v) "
            + "      elseif kind == '+keep:' then redis.call('PEXPIRE', string.sub(f, 7), v) end "
            + "    end "
            + "  end "
            + "end "
            + "flush() redis.call('PEXPIRE', key, ttl) end ";

    /**
     * {@link #TAKE}, and the record the entry names (ARGV[3] .. its task_id) marked as {@link #MARK} says (TTL ARGV[4],
     * the done field and the rest from ARGV[7]), unless the record was withdrawn: it says ARGV[5] (cancelled), or its
     * version (field ARGV[6], none: 0) is not the entry's {@code v} (none: 0), the entry having been replaced by a
     * reschedule. Answers {lease member, 1 done | 2 withdrawn | 0 marked | -1 not a task, nothing marked}; a withdrawn
     * or done entry is acknowledged unsent. The record's key is named inside the entry, not passed in KEYS: fine on one server (or Sentinel), one
     * more reason Redis Cluster is not supported.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM_MARKING = new DefaultRedisScript<>(PUT + MARK + TAKE
            + "if not v then return {} end "
            + "local ok, t = pcall(cjson.decode, v) "
            + "if not ok or type(t) ~= 'table' or type(t.task_id) ~= 'string' then return {m, -1} end "
            + "local key = ARGV[3] .. t.task_id "
            + "local r = redis.call('HMGET', key, ARGV[7], ARGV[6]) "
            + "if r[1] and r[1] ~= ARGV[8] and (r[1] == ARGV[5] or (r[2] or '0') ~= tostring(t.v or 0)) then "
            + "  return {m, 2} end "
            + "return {m, mark(key, tostring((tonumber(t.attempt) or 0) + 1), ARGV[4], 7)}",
            List.class);

    /**
     * 1 while the lease is held (its deadline moved on), 0 once it is gone. Not ZADD XX CH's answer: that counts a
     * score that did not change as 0, and a renewal within the millisecond of the claim would read as a lost lease.
     */
    private static final RedisScript<Long> RENEW = new DefaultRedisScript<>(NOW_MS
            + "if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end "
            + "redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1]) return 1", Long.class);

    /** Lua: ends the lease ARGV[1] held in KEYS[1]; the script returns 0 at once when it is no longer held. */
    private static final String RELEASE_OR_RETURN = "if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end ";

    private static final RedisScript<Long> RETRY_LATER = new DefaultRedisScript<>(NOW_MS + RELEASE_OR_RETURN
            + "redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2]) return 1", Long.class);

    private static final RedisScript<Long> MOVE_TO_LIST = new DefaultRedisScript<>(RELEASE_OR_RETURN
            + "redis.call('LPUSH', KEYS[2], ARGV[2]) return 1", Long.class);

    /** Lua: {@code write(key, ttl, from)}: {@link #PUT} without an attempt count. */
    private static final String WRITE = PUT + "local function write(key, ttl, from) put(key, ttl, from, nil) end ";

    /**
     * The task is done: its record written (whoever holds the lease now: the work is done, that is what the record
     * says) and this claim's lease ended, in one script. KEYS: inflight, record. ARGV: lease member, ttl, pairs.
     */
    private static final RedisScript<Long> FINISH = new DefaultRedisScript<>(
            WRITE + "write(KEYS[2], ARGV[2], 3) return redis.call('ZREM', KEYS[1], ARGV[1])", Long.class);

    /**
     * Lua, for the failure scripts: nothing happens unless this claim still holds its lease (KEYS[1], ARGV[1]): a
     * holder whose lease ran out leaves the task to whoever claimed it since (answers 0). A record already done (by an
     * earlier holder; its done field and value in ARGV[2], ARGV[3]) is not touched: the lease just ends (answers 2).
     */
    private static final String HELD_AND_NOT_DONE = RELEASE_OR_RETURN
            + "if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[3] then return 2 end ";

    /** KEYS: inflight, record, delayed. ARGV: lease member, done field, done value, next entry, delay ms, ttl, pairs. */
    private static final RedisScript<Long> RETRY_LATER_RECORDED = new DefaultRedisScript<>(WRITE + NOW_MS
            + HELD_AND_NOT_DONE + "write(KEYS[2], ARGV[6], 7) "
            + "redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), ARGV[4]) return 1", Long.class);

    /** KEYS: inflight, record, list. ARGV: lease member, done field, done value, list entry, ttl, pairs. */
    private static final RedisScript<Long> MOVE_TO_LIST_RECORDED = new DefaultRedisScript<>(WRITE
            + HELD_AND_NOT_DONE + "write(KEYS[2], ARGV[5], 6) redis.call('LPUSH', KEYS[3], ARGV[4]) return 1", Long.class);

    /**
     * A waiting task queued again under a new version, in one script. KEYS: the record. ARGV: 1 the record's TTL (ms),
     * 2 due (epoch ms; empty: now), 3 and 4 the statuses it may have, 5 the field holding its entry as first queued
     * (a JSON object without send_at and v), 6 its version field, 7 its queue field, 8 the new send_at (empty: none),
     * then the record's field/value pairs ({@link #PUT}). The version goes up by one and the entry, with that version
     * and send_at, goes to {@code <queue>:delayed} scored by due, or onto the ready list: the entries queued before are
     * withdrawn (a claim acknowledges them unsent). Answers {status found (empty: no record)} when its status is
     * another, {status found, -1} when the record keeps no entry (queued by an older version), {status found, new
     * version} when done.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> REQUEUE = new DefaultRedisScript<>(WRITE
            + "local r = redis.call('HMGET', KEYS[1], 'status', ARGV[5], ARGV[6], ARGV[7]) "
            + "if not r[1] then return {''} end "
            + "if r[1] ~= ARGV[3] and r[1] ~= ARGV[4] then return {r[1]} end "
            + "if not r[2] or not r[4] then return {r[1], -1} end "
            + "local ver = (tonumber(r[3]) or 0) + 1 "
            + "redis.call('HSET', KEYS[1], ARGV[6], ver) "
            + "local e = string.sub(r[2], 1, -2) "
            + "if ARGV[8] ~= '' then e = e .. ',\"send_at\":\"' .. ARGV[8] .. '\"' end "
            + "e = e .. ',\"v\":' .. ver .. '}' "
            + "if ARGV[2] == '' then redis.call('LPUSH', r[4], e) "
            + "else redis.call('ZADD', r[4] .. ':delayed', ARGV[2], e) end "
            + "write(KEYS[1], ARGV[1], 9) "
            + "return {r[1], ver}", List.class);

    /** What {@link #requeue} found and did: the new version, 0 for another status, -1 for no entry kept. */
    public record Requeued(String statusFound, long version) {

        public boolean done() {
            return version > 0;
        }
    }

    /**
     * See {@link #REQUEUE}: the task whose record is {@code recordKey} queued again, due at {@code due} (null: now),
     * if its status is one of {@code allowed}; the record's queue field names the queue. Null for no record.
     */
    public static Requeued requeue(StringRedisTemplate redis, String recordKey, Duration ttl, java.time.Instant due,
                                   List<String> allowed, String entryField, String versionField, String queueField,
                                   String sendAt, String... fieldsAndValues) {
        List<String> leading = List.of(Long.toString(ttl.toMillis()), due == null ? "" : Long.toString(due.toEpochMilli()),
                allowed.get(0), allowed.size() > 1 ? allowed.get(1) : allowed.get(0), entryField, versionField,
                queueField, sendAt == null ? "" : sendAt);
        List<?> r = redis.execute(REQUEUE, List.of(recordKey), args(leading, fieldsAndValues));
        if (r == null || r.isEmpty() || "".equals(r.get(0))) {
            return null;
        }
        return new Requeued((String) r.get(0), r.size() > 1 ? ((Number) r.get(1)).longValue() : 0);
    }

    /** What a retry or a dead letter with its record did. */
    public enum Settled {
        /** The lease ran out and the task was claimed again: nothing written, the new holder decides. */
        LEASE_LOST,
        /** Record written and the task moved (to its retry, or to the list). */
        DONE,
        /** An earlier holder recorded the task done: the lease ended, nothing else changed. */
        ALREADY_DONE;

        static Settled of(Long result) {
            return result == null || result == 0 ? LEASE_LOST : result == 2 ? ALREADY_DONE : DONE;
        }
    }

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
        this.delayed = delayedKey(key);
    }

    /** Takes the oldest ready entry and leases it for {@code lease}; null when there is none. */
    public Lease claim(Duration lease) {
        String member = redis.execute(CLAIM, List.of(ready, inflight, delayed), Long.toString(lease.toMillis()), token());
        return member == null ? null : Lease.of(member);
    }

    private String token() {
        return tokenPrefix + claims.incrementAndGet();
    }

    /**
     * A claimed entry, and whether the record it names was already done (null when the claim did not look); withdrawn
     * when it was so because the task was cancelled or rescheduled since this entry was queued.
     */
    public record Claimed(Lease lease, Boolean alreadyDone, boolean withdrawn) {

        public Claimed(Lease lease, Boolean alreadyDone) {
            this(lease, alreadyDone, false);
        }

        public String payload() {
            return lease.payload();
        }
    }

    /**
     * {@link #claim}, and in the same round trip the record the entry names marked claimed (its attempts, and what
     * {@link TaskRecords#claimedFields} says) unless it is done. Null when there is no ready task.
     */
    public Claimed claim(Duration lease, TaskRecords records) {
        List<String> args = new ArrayList<>(List.of(Long.toString(lease.toMillis()), token(), records.keyPrefix(),
                Long.toString(records.ttl().toMillis()), records.withdrawnValue(), records.versionField(),
                records.doneField(), records.doneValue(), records.attemptsField()));
        args.addAll(records.claimedFields());
        List<?> r = redis.execute(CLAIM_MARKING, List.of(ready, inflight, delayed), args.toArray());
        if (r == null || r.isEmpty()) {
            return null;
        }
        long mark = ((Number) r.get(1)).longValue();
        return new Claimed(Lease.of((String) r.get(0)), mark < 0 ? null : mark >= 1, mark == 2);
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

    /**
     * The task is done: its record (key, in {@code records}' TTL) gets {@code fieldsAndValues} whoever holds the lease
     * now, and this claim's lease ends, in one round trip. False when the lease was no longer held.
     */
    public boolean finish(Lease lease, String recordKey, TaskRecords records, String... fieldsAndValues) {
        Long removed = redis.execute(FINISH, List.of(inflight, recordKey),
                args(List.of(lease.member(), Long.toString(records.ttl().toMillis())), fieldsAndValues));
        return removed != null && removed > 0;
    }

    /**
     * {@link #retryLater}, with the record written in the same script: only while this lease is held, and never over
     * a record that is done.
     */
    public Settled retryLater(Lease lease, String next, Duration delay, String recordKey, TaskRecords records,
                              String... fieldsAndValues) {
        return Settled.of(redis.execute(RETRY_LATER_RECORDED, List.of(inflight, recordKey, delayed),
                args(List.of(lease.member(), records.doneField(), records.doneValue(), next,
                        Long.toString(delay.toMillis()), Long.toString(records.ttl().toMillis())), fieldsAndValues)));
    }

    /**
     * {@link #moveTo}, with the record written in the same script: only while this lease is held, and never over a
     * record that is done.
     */
    public Settled moveTo(Lease lease, String listKey, String entry, String recordKey, TaskRecords records,
                          String... fieldsAndValues) {
        return Settled.of(redis.execute(MOVE_TO_LIST_RECORDED, List.of(inflight, recordKey, listKey),
                args(List.of(lease.member(), records.doneField(), records.doneValue(), entry,
                        Long.toString(records.ttl().toMillis())), fieldsAndValues)));
    }

    private static Object[] args(List<String> leading, String[] pairs) {
        List<String> all = new ArrayList<>(leading);
        all.addAll(Arrays.asList(pairs));
        return all.toArray();
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
        return ready() + delayed();
    }

    /** Entries ready to be claimed now. */
    public long ready() {
        Long size = redis.opsForList().size(ready);
        return size == null ? 0 : size;
    }

    /** The sorted set of a queue's entries waiting for their time: {@code <queue>:delayed}. */
    public static String delayedKey(String queue) {
        return queue + ":delayed";
    }

    /** Entries waiting for their time in {@code <key>:delayed}: retries and scheduled tasks. */
    public long delayed() {
        Long waiting = redis.opsForZSet().zCard(delayed);
        return waiting == null ? 0 : waiting;
    }

    public long inflight() {
        Long n = redis.opsForZSet().zCard(inflight);
        return n == null ? 0 : n;
    }

    public String key() {
        return ready;
    }
}
