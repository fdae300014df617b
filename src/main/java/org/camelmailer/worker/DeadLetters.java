package org.camelmailer.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.message.MailTask;

/**
 * The dead-letter list {@code mailer:dead}: tasks that failed for good, with their last error. Operators list
 * them and re-drive one or all: the task goes back on the queue it failed on, with a fresh attempt count.
 */
public final class DeadLetters {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Atomically takes one record off the dead list and queues its task again. */
    private static final RedisScript<Long> REDRIVE = new DefaultRedisScript<>(
            "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end "
            + "redis.call('LPUSH', KEYS[2], ARGV[2]) return 1", Long.class);

    private final StringRedisTemplate redis;
    private final TaskStatusStore statuses;
    private final List<String> queueKeys;

    /** @param queueKeys the service's queues; a record naming none of them is re-driven to the first */
    public DeadLetters(StringRedisTemplate redis, TaskStatusStore statuses, List<String> queueKeys) {
        this.redis = redis;
        this.statuses = statuses;
        this.queueKeys = List.copyOf(queueKeys);
    }

    /** Newest first: task_id, failed_at, error (the task's content is not shown). */
    public List<Map<String, Object>> list() throws JsonProcessingException {
        List<Map<String, Object>> view = new ArrayList<>();
        for (String raw : records()) {
            Map<String, Object> record = JSON.readValue(raw, new TypeReference<>() { });
            record.remove("task");
            view.add(record);
        }
        return view;
    }

    /** Re-drives the tasks with this id, or every dead letter when {@code taskId} is null; returns their ids. */
    public List<String> redrive(String taskId) throws JsonProcessingException {
        List<String> redriven = new ArrayList<>();
        for (String raw : records()) {
            Map<String, Object> record = JSON.readValue(raw, new TypeReference<>() { });
            Object id = record.get("task_id");
            if (id == null || taskId != null && !taskId.equals(id)) {
                continue;
            }
            MailTask dead = JSON.readValue((String) record.get("task"), MailTask.class);
            MailTask fresh = dead.restarted();
            Object queue = record.get("queue");
            String target = queueKeys.contains(queue) ? (String) queue : queueKeys.get(0);
            // its entry as first queued kept again, so that it can be rescheduled while it waits
            statuses.redriven(fresh, JSON.writeValueAsString(fresh.unscheduled()), target);
            Long moved = redis.execute(REDRIVE, List.of(TaskLifecycle.DEAD_LETTERS, target), raw,
                    JSON.writeValueAsString(fresh));
            if (moved != null && moved > 0) {
                redriven.add(fresh.taskId());
            }
        }
        return redriven;
    }

    /** How many dead letters there are (one LLEN). */
    public long count() {
        Long n = redis.opsForList().size(TaskLifecycle.DEAD_LETTERS);
        return n == null ? 0 : n;
    }

    private List<String> records() {
        List<String> all = redis.opsForList().range(TaskLifecycle.DEAD_LETTERS, 0, -1);
        return all == null ? List.of() : all;
    }
}
