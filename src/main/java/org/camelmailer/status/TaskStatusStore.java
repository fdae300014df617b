package org.camelmailer.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.message.MailTask;
import org.camelmailer.message.Timestamps;
import org.camelmailer.queue.ScriptJson;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.queue.TaskRecords;

import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Task status records, like a Celery result backend: one Redis hash {@code mailer:task:<id>} per task,
 * expiring after the status TTL (a scheduled task's: after its send time plus the TTL). Status is one of scheduled,
 * queued, processing, retrying, sent, failed, cancelled. The API writes scheduled or queued, and cancels or reschedules;
 * the worker's changes go through the queue ({@link TaskRecords}: the claim marks processing, a retry, a dead letter
 * or the end of a task writes its record in the same script as its own move); sent is never overwritten.
 */
public final class TaskStatusStore implements TaskRecords {

    public static final String QUEUED = "queued";
    public static final String PROCESSING = "processing";
    public static final String RETRYING = "retrying";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    public static final String SCHEDULED = "scheduled";
    public static final String CANCELLED = "cancelled";

    /** Record fields of a waiting task: its entry as first queued (for a reschedule), its queue, its version. */
    static final String ENTRY = "entry";
    static final String QUEUE = "queue";
    static final String VERSION = "version";
    static final String SEND_AT = "send_at";
    /**
     * The score of the task in the search indexes: when its TTL counts from (its creation; a scheduled task's send
     * time, moved by a reschedule in its status index), so that an index keeps it exactly as long as its record lives.
     */
    static final String INDEXED_MS = "indexed_ms";
    /**
     * The subject, written by the worker as it settles the task (retrying, sent, failed): a waiting task's, or one in
     * hand, is read from its entry, whose field {@code sujet} it is. The record holds its entry (longer than 64 bytes) from its first
     * write, so it is already no compact hash and this field costs it no change of encoding.
     */
    static final String SUBJECT = "subject";

    /** How long a per-minute count of sent or failed tasks is kept: the overview's hour, and a margin. */
    static final Duration COUNTED_FOR = Duration.ofHours(2);

    /**
     * Cancel: the record, if its status is ARGV[2], ARGV[3] or ARGV[4], written from the pairs after ARGV[4] with TTL
     * ARGV[1] ({@code %ATTEMPT%}: its attempts so far). Answers {status found (empty: no record), 1 cancelled | 0 not}.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CANCEL = new DefaultRedisScript<>(TaskQueue.PUT
            + "local s = redis.call('HGET', KEYS[1], 'status') "
            + "if not s then return {'', 0} end "
            + "if s ~= ARGV[2] and s ~= ARGV[3] and s ~= ARGV[4] then return {s, 0} end "
            + "put(KEYS[1], ARGV[1], 5, redis.call('HGET', KEYS[1], 'attempts') or '0') return {s, 1}", List.class);

    /** The record written as TaskQueue.PUT writes it (fields, events, index moves, outbox), with its TTL. ARGV: ttl, pairs. */
    private static final RedisScript<Long> WRITE = new DefaultRedisScript<>(
            TaskQueue.PUT + "put(KEYS[1], ARGV[1], 2, nil) return 1", Long.class);

    /**
     * {@link #WRITE} for a new task, unless one of the fields ARGV[3 .. 2 + ARGV[2]] is in the hash KEYS[2] (the
     * suppression list): then nothing is written and the script answers their positions (from 1). ARGV: ttl, n, the n
     * fields, pairs.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> WRITE_UNLESS = new DefaultRedisScript<>(TaskQueue.PUT
            + "local n = tonumber(ARGV[2]) "
            + "if n > 0 then "
            + "  local r, found = redis.call('HMGET', KEYS[2], unpack(ARGV, 3, 2 + n)), {} "
            + "  for i = 1, n do if r[i] then found[#found + 1] = i end end "
            + "  if #found > 0 then return found end "
            + "end "
            + "put(KEYS[1], ARGV[1], 3 + n, nil) return {}", List.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    private final StringRedisTemplate redis;
    private final Duration ttl;
    private final TaskEvents events;

    public TaskStatusStore(StringRedisTemplate redis, Duration ttl) {
        this(redis, ttl, TaskEvents.Outbox.NONE);
    }

    /** {@code outbox}: where events are told besides each task's history (webhook jobs). */
    public TaskStatusStore(StringRedisTemplate redis, Duration ttl, TaskEvents.Outbox outbox) {
        this.redis = redis;
        this.ttl = ttl;
        this.events = new TaskEvents(outbox);
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
    public String withdrawnValue() {
        return CANCELLED;
    }

    @Override
    public String versionField() {
        return VERSION;
    }

    @Override
    public String attemptsField() {
        return "attempts";
    }

    @Override
    public List<String> claimedFields() {
        Instant at = Instant.now();
        // the entry stays while the task is in hand (no reschedule then, but its subject is read from it)
        List<String> fields = new ArrayList<>(List.of("status", PROCESSING, "updated_at", at.toString(), "error", ""));
        fields.addAll(events.event("processing", at, ScriptJson.ATTEMPT, Map.of(), null, PROCESSING));
        fields.addAll(TaskEvents.statusMove(PROCESSING));
        return fields;
    }

    /** The first record of an accepted task, with what GET /message/{id} shows of the message itself. */
    public void queued(MailTask task) {
        queued(task, List.of());
    }

    /** {@link #queued(MailTask)}, with the event {@code suppressed} for the recipients left out of it, if any. */
    public void queued(MailTask task, List<String> suppressed) {
        queued(task, null, null, suppressed);
    }

    /**
     * {@link #queued(MailTask, List)}, keeping {@code entry} (the queue entry as pushed onto {@code queue}) so that the
     * task can be rescheduled while it waits. A task with a {@code send_at} is recorded scheduled, and kept until its
     * send time plus the TTL.
     */
    public void queued(MailTask task, String entry, String queue, List<String> suppressed) {
        write(task.taskId(), ttlFor(task), queuedFields(task, entry, queue, suppressed).toArray(String[]::new));
    }

    /**
     * A new task admitted in one script: its record written as {@link #queued(MailTask, String, String, List)} writes it
     * (keeping {@code unscheduled}, the entry a reschedule builds on), and {@code entry} put onto {@code queue}, or into
     * its delayed set scored by its send time when it has one; unless one of {@code fields} is a field of the hash
     * {@code guard} (the recipients' keys and the suppression list): then nothing is written and the answer is the
     * positions (from 0) of those fields. No field: no check. Record and queue entry exist together or not at all.
     */
    public List<Integer> admitted(MailTask task, String entry, String unscheduled, String queue, List<String> suppressed,
                                  String guard, List<String> fields) {
        List<String> pairs = queuedFields(task, unscheduled, queue, suppressed);
        if (task.sendAt() == null) {
            pairs.add("+list:" + queue);
            pairs.add(entry);
        } else {
            pairs.add("+zset:" + TaskQueue.delayedKey(queue));
            pairs.add(Timestamps.epochMillis(task.sendAt()) + " " + entry);
        }
        Object[] args = new Object[2 + fields.size() + pairs.size()];
        args[0] = Long.toString(ttlFor(task).toMillis());
        args[1] = Integer.toString(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            args[2 + i] = fields.get(i);
        }
        for (int i = 0; i < pairs.size(); i++) {
            args[2 + fields.size() + i] = pairs.get(i);
        }
        List<?> found = redis.execute(WRITE_UNLESS, List.of(key(task.taskId()), guard), args);
        List<Integer> positions = new ArrayList<>();
        for (Object position : found == null ? List.of() : found) {
            positions.add(((Number) position).intValue() - 1);
        }
        return positions;
    }

    /** How long a new record is kept: the status TTL, from its send time when it is scheduled. */
    Duration ttlFor(MailTask task) {
        return ttlUntil(task.sendAt() == null ? null : Instant.parse(task.sendAt()));
    }

    private Duration ttlUntil(Instant sendAt) {
        return Timestamps.keptFor(ttl, sendAt);
    }

    /**
     * {@link #queued(MailTask, List)} as a command of a pipeline the caller runs: EVALSHA, so {@link #prepare} must have loaded the
     * script on the server first (a pipeline cannot fall back to EVAL as a lone call does).
     */
    public void queued(RedisOperations<String, String> pipeline, MailTask task, String entry, String queue,
                       List<String> suppressed) {
        List<String> fields = queuedFields(task, entry, queue, suppressed);
        byte[][] keysAndArgs = new byte[fields.size() + 2][];
        keysAndArgs[0] = key(task.taskId()).getBytes(StandardCharsets.UTF_8);
        keysAndArgs[1] = Long.toString(ttlFor(task).toMillis()).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < fields.size(); i++) {
            keysAndArgs[i + 2] = fields.get(i).getBytes(StandardCharsets.UTF_8);
        }
        pipeline.execute((RedisCallback<Object>) c -> c.scriptingCommands().evalSha(WRITE.getSha1(), ReturnType.INTEGER,
                1, keysAndArgs));
    }

    /** Loads the record script on the server, before a pipeline of {@link #queued(RedisOperations, MailTask, List)}. */
    public void prepare() {
        redis.execute((RedisCallback<Object>) c -> c.scriptingCommands().scriptLoad(
                WRITE.getScriptAsString().getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> queuedFields(MailTask task, String entry, String queue, List<String> suppressed) {
        Instant at = Instant.now();
        String status = task.sendAt() == null ? QUEUED : SCHEDULED;
        String created = Long.toString(Timestamps.epochMillis(task.createdAt()));
        List<String> fields = new ArrayList<>(List.of("task_id", task.taskId(), "status", status, "attempts", "0",
                "enhanced", "false", "created_at", task.createdAt(), "updated_at", at.toString(), "error", "",
                "recipients", Integer.toString(task.recipients().size()),
                "created_ms", created,
                // its index entries' score: when its TTL counts from (a scheduled task lives until its send time + TTL)
                INDEXED_MS, task.sendAt() == null ? created : Long.toString(Timestamps.epochMillis(task.agedFrom()))));
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
        if (entry != null && queue != null) {
            fields.addAll(List.of(ENTRY, entry, QUEUE, queue));
        }
        fields.addAll(TaskEvents.indexed(task, status));
        if (task.sendAt() == null) {
            fields.addAll(events.event(QUEUED, at, 0, Map.of(), task, QUEUED));
        } else {
            fields.addAll(List.of(SEND_AT, task.sendAt()));
            fields.addAll(events.event(SCHEDULED, at, 0, Map.of(SEND_AT, task.sendAt()), task, SCHEDULED));
        }
        if (!suppressed.isEmpty()) {
            fields.addAll(events.event("suppressed", at, 0, Map.of("suppressed", suppressed), task, status));
        }
        return fields;
    }

    public void update(String taskId, String status, int attempts, String error) {
        write(taskId, updateFields(status, attempts, error).toArray(String[]::new));
    }

    private static List<String> updateFields(String status, int attempts, String error) {
        return List.of("status", status, "attempts", Integer.toString(attempts), "updated_at", now(),
                "error", error == null ? "" : error);
    }

    /**
     * The final record of a delivered task, in one write, with its events: how the enhancement went when one was asked
     * for ({@code enhanced}, or {@code enhance_fallback} with the reason in {@code note}), then {@code sent} with the
     * Message-ID and the server's reply.
     */
    public void sent(MailTask task, int attempts, boolean enhanced, String note, String messageId, String smtpReply) {
        write(task.taskId(), sentFields(task, attempts, enhanced, note, messageId, smtpReply).toArray(String[]::new));
    }

    /** {@link #sent} and the end of this claim's {@code lease} on {@code queue}, in one round trip. */
    public void sentAndAcknowledged(MailTask task, int attempts, boolean enhanced, String note, String messageId,
                                    String smtpReply, TaskQueue queue, TaskQueue.Lease lease) {
        queue.finish(lease, key(task.taskId()), this,
                sentFields(task, attempts, enhanced, note, messageId, smtpReply).toArray(String[]::new));
    }

    /**
     * Status retrying (with the error) and the task back on {@code queue} as {@code next} after {@code delay}, in one
     * script: only while {@code lease} is still held, and never over a sent record.
     */
    public TaskQueue.Settled retryingAndDelayed(MailTask task, int attempts, String error, TaskQueue queue,
            TaskQueue.Lease lease, String next, Duration delay) {
        Instant at = Instant.now();
        List<String> fields = new ArrayList<>(updateFields(RETRYING, attempts, error));
        fields.addAll(subject(task));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("error", error);
        details.put("next_attempt_at", at.plus(delay).toString());
        fields.addAll(events.event(RETRYING, at, attempts, details, task, RETRYING));
        fields.addAll(TaskEvents.statusMove(RETRYING));
        return queue.retryLater(lease, next, delay, key(task.taskId()), this, fields.toArray(String[]::new));
    }

    /**
     * Status failed (with the error) and {@code record} on the dead-letter list {@code deadLetters}, in one script: only
     * while {@code lease} is still held, and never over a sent record. {@code task} is null for an entry that is none.
     */
    public TaskQueue.Settled failedAndDeadLettered(String taskId, MailTask task, int attempts, String error,
            TaskQueue queue, TaskQueue.Lease lease, String deadLetters, String record) {
        Instant at = Instant.now();
        List<String> fields = new ArrayList<>(updateFields(FAILED, attempts, error));
        fields.addAll(subject(task));
        fields.addAll(events.event(FAILED, at, attempts, Map.of("error", error == null ? "" : error), task, FAILED));
        fields.addAll(events.event("dead_lettered", at, attempts, Map.of(), task, FAILED));
        fields.addAll(TaskEvents.statusMove(FAILED));
        fields.addAll(counted(FAILED, at));
        return queue.moveTo(lease, deadLetters, record, key(taskId), this, fields.toArray(String[]::new));
    }

    /** A dead letter back in the queue: status queued, attempts 0, event redriven. */
    public void redriven(MailTask task) {
        redriven(task, null, null);
    }

    /** {@link #redriven(MailTask)}, keeping {@code entry} (as pushed onto {@code queue}) for a reschedule. */
    public void redriven(MailTask task, String entry, String queue) {
        Instant at = Instant.now();
        List<String> fields = new ArrayList<>(updateFields(QUEUED, 0, null));
        if (entry != null) {
            fields.addAll(List.of(ENTRY, entry, QUEUE, queue));
        }
        fields.addAll(events.event("redriven", at, 0, Map.of(), task, QUEUED));
        fields.addAll(TaskEvents.statusMove(QUEUED));
        write(task.taskId(), fields.toArray(String[]::new));
    }

    private List<String> sentFields(MailTask task, int attempts, boolean enhanced, String note, String messageId,
                                    String smtpReply) {
        Instant at = Instant.now();
        List<String> fields = new ArrayList<>(List.of("status", SENT, "attempts", Integer.toString(attempts),
                "enhanced", Boolean.toString(enhanced), "updated_at", at.toString(), "error", note == null ? "" : note));
        fields.addAll(subject(task));
        if (enhanced) {
            fields.addAll(events.event("enhanced", at, attempts, Map.of(), task, PROCESSING));
        } else if (task.enhanceContent() && note != null) {
            fields.addAll(events.event("enhance_fallback", at, attempts, Map.of("reason", note), task, PROCESSING));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("message_id", messageId);
        details.put("smtp_reply", smtpReply);
        fields.addAll(events.event(SENT, at, attempts, details, task, SENT));
        fields.addAll(TaskEvents.statusMove(SENT));
        fields.addAll(counted(SENT, at));
        return fields;
    }

    /**
     * A task settled by a worker (retrying, sent, failed): its subject field (none for no task, or no subject), and its
     * entry, kept for a reschedule while it waited, gone.
     */
    private static List<String> subject(MailTask task) {
        return task == null || task.sujet() == null ? List.of("+hdel", ENTRY)
                : List.of(SUBJECT, task.sujet(), "+hdel", ENTRY);
    }

    /**
     * The pseudo-field that counts a task in the minute of {@code at} as having become {@code status} (sent or failed),
     * written with the status change itself so that a count never disagrees with the records.
     */
    static List<String> counted(String status, Instant at) {
        return List.of("+count:" + countKey(status, at.toEpochMilli() / 60_000), Long.toString(COUNTED_FOR.toMillis()));
    }

    /** {@code mailer:stats:<status>:<epoch minute>}: how many tasks became {@code status} in that minute. */
    static String countKey(String status, long epochMinute) {
        return "mailer:stats:" + status + ":" + epochMinute;
    }

    /** What a cancel or a reschedule found: the task's status before (null: no record), and whether it changed. */
    public record Change(String statusFound, boolean changed, boolean entryKept) {

        public Change(String statusFound, boolean changed) {
            this(statusFound, changed, true);
        }
    }

    /**
     * Cancels a task that is scheduled, queued or retrying, in one script: status cancelled, event cancelled, index
     * move; its queue entries stay where they are and are acknowledged unsent when claimed. {@code extraPairs}: more
     * of the record's pseudo-fields (the attachments' expiry).
     */
    public Change cancel(String taskId, String... extraPairs) {
        Instant at = Instant.now();
        List<String> fields = new ArrayList<>(List.of(Long.toString(ttl.toMillis()), SCHEDULED, QUEUED, RETRYING,
                "status", CANCELLED, "updated_at", at.toString(), "+hdel", ENTRY));
        fields.addAll(events.event(CANCELLED, at, ScriptJson.ATTEMPT, Map.of(), null, CANCELLED));
        fields.addAll(TaskEvents.statusMove(CANCELLED));
        fields.addAll(List.of(extraPairs));
        List<?> r = redis.execute(CANCEL, List.of(key(taskId)), fields.toArray());
        String found = r == null || r.isEmpty() || "".equals(r.get(0)) ? null : (String) r.get(0);
        return new Change(found, r != null && r.size() > 1 && ((Number) r.get(1)).longValue() == 1);
    }

    /**
     * Reschedules a task that is scheduled or queued: a new version of its entry due at {@code sendAt} (null: at once,
     * onto the ready list), status scheduled (queued when at once), event scheduled with the new send_at, the record
     * kept until then plus the TTL; the entries queued before are withdrawn. {@code extraPairs} as for {@link #cancel}.
     */
    public Change reschedule(String taskId, Instant sendAt, String... extraPairs) {
        Instant at = Instant.now();
        String status = sendAt == null ? QUEUED : SCHEDULED;
        String when = (sendAt == null ? at : sendAt).toString();
        List<String> fields = new ArrayList<>(List.of("status", status, "updated_at", at.toString(), SEND_AT, when,
                INDEXED_MS, Long.toString(Timestamps.epochMillis(when))));
        fields.addAll(events.event(SCHEDULED, at, 0, Map.of(SEND_AT, when), null, status));
        fields.addAll(TaskEvents.statusMove(status));
        fields.addAll(List.of(extraPairs));
        TaskQueue.Requeued r = TaskQueue.requeue(redis, key(taskId), ttlUntil(sendAt), sendAt, List.of(SCHEDULED, QUEUED),
                ENTRY, VERSION, QUEUE, sendAt == null ? null : sendAt.toString(), fields.toArray(String[]::new));
        return r == null ? new Change(null, false) : new Change(r.statusFound(), r.done(), r.version() >= 0);
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
        return view(taskId, raw);
    }

    private static Map<String, Object> view(String taskId, Map<Object, Object> raw) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("task_id", taskId);
        view.put("status", raw.get("status"));
        Object subject = raw.get(SUBJECT);
        view.put(SUBJECT, subject != null ? subject : subjectOf(raw.get(ENTRY)));
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
        Object sendAt = raw.get(SEND_AT);
        if (sendAt != null) {
            view.put(SEND_AT, sendAt);
        }
        return view;
    }

    /**
     * The field {@code sujet} of a queue entry (a task's JSON), read up to it and no further; null without an entry,
     * or an entry without one.
     */
    static String subjectOf(Object entry) {
        if (entry == null) {
            return null;
        }
        try (JsonParser p = JSON.getFactory().createParser(String.valueOf(entry))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("sujet".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // an entry this version cannot read shows no subject, not a 500
        }
        return null;
    }

    /** The task's events, oldest first (at most the last 200), or null for an unknown (or expired) task. */
    public List<Map<String, Object>> events(String taskId) {
        if (!Boolean.TRUE.equals(redis.hasKey(key(taskId)))) {
            return null;
        }
        List<String> raw = redis.opsForList().range(key(taskId) + ":events", 0, -1);
        List<Map<String, Object>> events = new ArrayList<>();
        for (String event : raw == null ? List.<String>of() : raw) {
            try {
                events.add(JSON.readValue(event, MAP));
            } catch (JsonProcessingException e) {
                // an event this version cannot read is left out, not a 500
            }
        }
        return events;
    }

    /** How many tasks have {@code status} now, among those created within the TTL (the search index's window). */
    public long count(String status) {
        Long n = redis.opsForZSet().count(TaskEvents.statusSet(status), System.currentTimeMillis() - ttl.toMillis(),
                Double.POSITIVE_INFINITY);
        return n == null ? 0 : n;
    }

    /**
     * For each of {@code statuses} (sent, failed), how many tasks became it in each of the {@code minutes} minutes from
     * the epoch minute {@code fromMinute}, whenever they were created: the counts {@link #counted} keeps, in one MGET.
     */
    public Map<String, List<Long>> perMinute(List<String> statuses, long fromMinute, int minutes) {
        List<String> keys = new ArrayList<>();
        for (String status : statuses) {
            for (int i = 0; i < minutes; i++) {
                keys.add(countKey(status, fromMinute + i));
            }
        }
        List<String> counts = redis.opsForValue().multiGet(keys);
        Map<String, List<Long>> perStatus = new LinkedHashMap<>();
        for (int s = 0; s < statuses.size(); s++) {
            perStatus.put(statuses.get(s), counts.subList(s * minutes, (s + 1) * minutes).stream()
                    .map(n -> n == null ? 0L : Long.parseLong(n)).toList());
        }
        return perStatus;
    }

    /** What GET /messages asks for; null fields do not filter. Times in epoch ms, inclusive. */
    public record Query(String status, String tag, String recipient, Long since, Long until, int limit, String cursor) {
    }

    /** A page of matching tasks, newest first, and where the next page starts (null: no more). */
    public record Page(List<Map<String, Object>> tasks, String nextCursor) {
    }

    /** Candidates looked at for one page, at most: a rare combination answers a partial page and a cursor. */
    static final int MAX_SCANNED = 5000;

    /**
     * The tasks matching {@code q}, newest first. One sorted set is read by score (the most selective the query names:
     * the recipient's, the tag's, the status', or all tasks), the other filters are checked on the records read in one
     * pipeline per slice. A cursor is the last task's {@code created_ms:task_id}: the next page starts after it.
     */
    public Page search(Query q) {
        String set = q.recipient() != null ? TaskEvents.recipientSet(q.recipient())
                : q.tag() != null ? TaskEvents.tagSet(q.tag())
                : q.status() != null ? TaskEvents.statusSet(q.status()) : TaskEvents.ALL;
        double max = q.until() == null ? Double.POSITIVE_INFINITY : q.until();
        double min = q.since() == null ? Double.NEGATIVE_INFINITY : q.since();
        // entries older than the records' TTL are gone from the records: drop them from the index too
        redis.opsForZSet().removeRangeByScore(set, Double.NEGATIVE_INFINITY,
                System.currentTimeMillis() - ttl.toMillis() - 1);
        Double afterScore = null;
        String afterId = null;
        if (q.cursor() != null) {
            int colon = q.cursor().indexOf(':');
            afterScore = Double.parseDouble(q.cursor().substring(0, colon));
            afterId = q.cursor().substring(colon + 1);
            max = Math.min(max, afterScore);
        }
        List<Map<String, Object>> found = new ArrayList<>();
        String last = null;
        String lastScanned = null;
        long offset = 0;
        int scanned = 0;
        boolean more = true;
        while (found.size() < q.limit() && scanned < MAX_SCANNED && more) {
            int slice = Math.min(500, Math.max(q.limit() * 2, 50));
            var tuples = redis.opsForZSet().reverseRangeByScoreWithScores(set, min, max, offset, slice);
            List<org.springframework.data.redis.core.ZSetOperations.TypedTuple<String>> page =
                    tuples == null ? List.of() : new ArrayList<>(tuples);
            more = page.size() == slice;
            offset += page.size();
            scanned += page.size();
            List<org.springframework.data.redis.core.ZSetOperations.TypedTuple<String>> candidates = new ArrayList<>();
            for (var t : page) {
                // same creation time as the cursor: members come in descending id order, the cursor's and before it are done
                if (afterScore != null && t.getScore() != null && t.getScore().doubleValue() == afterScore
                        && t.getValue().compareTo(afterId) >= 0) {
                    continue;
                }
                candidates.add(t);
            }
            List<Object> records = redis.executePipelined((RedisCallback<Object>) c -> {
                for (var t : candidates) {
                    c.hashCommands().hGetAll(key(t.getValue()).getBytes(StandardCharsets.UTF_8));
                }
                return null;
            });
            for (int i = 0; i < candidates.size() && found.size() < q.limit(); i++) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> raw = (Map<Object, Object>) records.get(i);
                var t = candidates.get(i);
                lastScanned = (long) t.getScore().doubleValue() + ":" + t.getValue();
                if (raw == null || raw.isEmpty()) {
                    redis.opsForZSet().remove(set, t.getValue());
                    continue;
                }
                if (q.status() != null && !q.status().equals(raw.get("status"))) {
                    continue;
                }
                if (q.tag() != null && !((List<?>) parsed(raw.get("tags"), List.of())).contains(q.tag())) {
                    continue;
                }
                found.add(view(t.getValue(), raw));
                last = (long) t.getScore().doubleValue() + ":" + t.getValue();
            }
        }
        // a full page may have more after it; a scan that stopped at its cap goes on from where it stopped
        String next = found.size() >= q.limit() ? last : more ? lastScanned : null;
        return new Page(found, next);
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
        write(taskId, ttl, fieldsAndValues);
    }

    private void write(String taskId, Duration ttl, String[] fieldsAndValues) {
        redis.execute(WRITE, List.of(key(taskId)), args(ttl, fieldsAndValues));
    }

    /** The script's ARGV: the TTL, then the field/value pairs. */
    private static Object[] args(Duration ttl, String[] fieldsAndValues) {
        Object[] args = new Object[fieldsAndValues.length + 1];
        args[0] = Long.toString(ttl.toMillis());
        System.arraycopy(fieldsAndValues, 0, args, 1, fieldsAndValues.length);
        return args;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
