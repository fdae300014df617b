package org.camelmailer.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.camelmailer.content.AttachmentStore;
import org.camelmailer.message.MailTask;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.suppress.SuppressionList;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Queues the valid messages of a {@code POST /messages/batch} in one Redis pipeline: every status record, every
 * attachment content, then one LPUSH of all the tasks per queue (plain, or Gemini's when enhancement is asked and
 * configured), in the batch's order. The answer lists each item by its index: queued with its task id, or its refusal.
 * <p>
 * An {@code Idempotency-Key} covers the whole batch as it covers one message: the same key and the same messages answer
 * the first answer again (its task ids), and queue nothing; other messages with the key are a 422, and a batch still
 * being queued under it a 409.
 */
public final class BatchAdmission {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringRedisTemplate redis;
    private final IdempotencyKeys keys;
    private final TaskStatusStore statuses;
    private final AttachmentStore attachments;
    private final SuppressionList suppressions;
    private final String plainQueue;
    private final String enhanceQueue;

    /** {@code enhanceQueue}: null when Gemini is not configured (every task then goes to the plain queue). */
    public BatchAdmission(StringRedisTemplate redis, TaskStatusStore statuses, AttachmentStore attachments,
                          SuppressionList suppressions, String plainQueue, String enhanceQueue, Duration ttl) {
        this.redis = redis;
        this.keys = new IdempotencyKeys(redis, ttl, IdempotencyKeys.PENDING_WINDOW);
        this.statuses = statuses;
        this.attachments = attachments;
        this.suppressions = suppressions;
        this.plainQueue = plainQueue;
        this.enhanceQueue = enhanceQueue;
    }

    /** The batch's answer: one result per item, in order, and whether it replays an earlier batch's. */
    public record Admitted(List<Map<String, Object>> results, int queued, boolean replay) {
    }

    /** The route's step: queues the batch's valid tasks, or replays the answer given to the same batch and key. */
    public Admitted admit(@Variable("batch") Batch batch, @Header(TaskAdmission.IDEMPOTENCY_HEADER) String key)
            throws JsonProcessingException {
        String redisKey = IdempotencyKeys.redisKey("batch:", key);
        String fingerprint = null;
        if (redisKey != null) {
            fingerprint = fingerprint(batch);
            String earlier = keys.claim(redisKey, fingerprint, "-");
            if (earlier != null) {
                return new Admitted(JSON.readValue(earlier, new TypeReference<>() { }), 0, true);
            }
        }
        // the suppression list, for every recipient of the batch in one round trip
        Set<String> suppressed = suppressions.suppressed(batch.tasks().stream()
                .flatMap(t -> t.recipients().stream()).collect(Collectors.toSet()));
        List<Map<String, Object>> results = new ArrayList<>(batch.items().size());
        List<MailTask> tasks = new ArrayList<>();
        Map<String, List<String>> left = new HashMap<>();
        for (Batch.Item given : batch.items()) {
            Batch.Item item = given;
            if (item.task() != null && !suppressed.isEmpty()) {
                List<String> out = item.task().recipients().stream().filter(suppressed::contains).distinct().toList();
                try {
                    item = new Batch.Item(item.index(), TaskAdmission.withoutSuppressed(item.task(), out), null);
                    left.put(item.task().taskId(), out);
                } catch (InvalidRequestException e) {
                    item = new Batch.Item(item.index(), null, e);
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", item.index());
            if (item.task() != null) {
                result.put("status", item.task().sendAt() == null ? "queued" : "scheduled");
                result.put("task_id", item.task().taskId());
                if (item.task().sendAt() != null) {
                    result.put("send_at", item.task().sendAt());
                }
                tasks.add(item.task());
            } else {
                result.put("status", "error");
                result.put("code", item.refusal().status());
                result.put("message", item.refusal().getMessage());
            }
            results.add(result);
        }
        try {
            queue(tasks, left);
        } catch (RuntimeException e) {
            undo(tasks, redisKey);
            throw e;
        }
        if (redisKey != null) {
            keys.confirm(redisKey, fingerprint, JSON.writeValueAsString(results));
        }
        return new Admitted(results, tasks.size(), false);
    }

    private void queue(List<MailTask> tasks, Map<String, List<String>> suppressed) {
        if (tasks.isEmpty()) {
            return;
        }
        statuses.prepare();
        List<String> plain = new ArrayList<>(tasks.size());
        List<String> enhanced = new ArrayList<>();
        // scheduled tasks: onto their queue's delayed set, scored by their send time
        Map<String, Set<org.springframework.data.redis.core.ZSetOperations.TypedTuple<String>>> scheduled =
                new LinkedHashMap<>();
        redis.executePipelined(new SessionCallback<Object>() {
            @Override
            @SuppressWarnings("unchecked")
            public Object execute(RedisOperations operations) throws DataAccessException {
                RedisOperations<String, String> pipeline = operations;
                try {
                    for (MailTask task : tasks) {
                        String[] entry = TaskAdmission.entries(JSON, attachments.save(pipeline, task));
                        String queue = TaskAdmission.queueOf(task, plainQueue, enhanceQueue);
                        statuses.queued(pipeline, task, entry[1], queue, suppressed.getOrDefault(task.taskId(), List.of()));
                        Double due = TaskAdmission.due(task);
                        if (due != null) {
                            scheduled.computeIfAbsent(TaskQueue.delayedKey(queue), k -> new java.util.LinkedHashSet<>())
                                    .add(org.springframework.data.redis.core.ZSetOperations.TypedTuple.of(entry[0], due));
                        } else {
                            (queue.equals(plainQueue) ? plain : enhanced).add(entry[0]);
                        }
                    }
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                if (!plain.isEmpty()) {
                    pipeline.opsForList().leftPushAll(plainQueue, plain);
                }
                if (!enhanced.isEmpty()) {
                    pipeline.opsForList().leftPushAll(enhanceQueue, enhanced);
                }
                scheduled.forEach((set, entries) -> pipeline.opsForZSet().add(set, entries));
                return null;
            }
        });
    }

    /** Best effort, after the pipeline failed: what it may have written is removed (or expires with its TTL). */
    private void undo(List<MailTask> tasks, String redisKey) {
        try {
            for (MailTask task : tasks) {
                statuses.delete(task.taskId());
                attachments.delete(task.taskId());
            }
            keys.release(redisKey);
        } catch (RuntimeException e) {
            // Redis is down: the records expire with their TTL
        }
    }

    /** The messages as asked (ids and times aside), refusals by their text: the same batch gives the same print. */
    private static String fingerprint(Batch batch) throws JsonProcessingException {
        StringBuilder all = new StringBuilder();
        for (Batch.Item item : batch.items()) {
            all.append(item.task() != null ? JSON.writeValueAsString(item.task().withIdentity(null, null))
                    : "refused " + item.refusal().getMessage()).append('\n');
        }
        return IdempotencyKeys.sha256(all.toString());
    }
}
