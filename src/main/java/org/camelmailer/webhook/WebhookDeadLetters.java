package org.camelmailer.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The list {@value #KEY}: webhook jobs given up on (past MAILER_WEBHOOK_MAX_AGE, a 410, an unreadable job), with
 * their last error. A re-drive puts every one back on {@link WebhookJobs#QUEUE} with a fresh age and attempt count,
 * under the same webhook_id (a receiver that got it after all folds the copy).
 */
public final class WebhookDeadLetters {

    public static final String KEY = "mailer:webhooks:dead";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RedisScript<Long> REDRIVE = new DefaultRedisScript<>(
            "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end "
            + "redis.call('LPUSH', KEYS[2], ARGV[2]) return 1", Long.class);

    private final StringRedisTemplate redis;

    public WebhookDeadLetters(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /** The dead-letter record of a job (as claimed) that failed for good with {@code error}. */
    static String record(String job, String error) {
        Map<String, Object> record = new LinkedHashMap<>();
        JsonNode node = readOrNull(job);
        record.put("webhook_id", node == null ? null : node.path("webhook_id").textValue());
        record.put("type", node == null ? null : node.path("type").textValue());
        record.put("task_id", node == null ? null : node.path("data").path("task_id").textValue());
        record.put("url", node == null || !node.path("url").isInt() ? null : node.path("url").intValue());
        record.put("attempts", node == null ? null : node.path("attempt").asInt(0) + 1);
        record.put("failed_at", Instant.now().toString());
        record.put("error", error);
        record.put("job", job);
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Newest first, without the job itself (its data: tags, metadata). */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> view = new ArrayList<>();
        for (String raw : records()) {
            JsonNode record = readOrNull(raw);
            if (record == null) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> shown = JSON.convertValue(record, LinkedHashMap.class);
            shown.remove("job");
            view.add(shown);
        }
        return view;
    }

    /** Every dead letter whose job is readable back on the queue; their webhook_ids. */
    public List<String> redriveAll() {
        List<String> redriven = new ArrayList<>();
        for (String raw : records()) {
            JsonNode record = readOrNull(raw);
            JsonNode job = record == null ? null : readOrNull(record.path("job").textValue());
            if (!(job instanceof ObjectNode fresh) || !fresh.path("webhook_id").isTextual()) {
                continue;
            }
            fresh.put("attempt", 0);
            fresh.put("created_at", Instant.now().toString());
            Long moved = redis.execute(REDRIVE, List.of(KEY, WebhookJobs.QUEUE), raw, fresh.toString());
            if (moved != null && moved > 0) {
                redriven.add(fresh.path("webhook_id").textValue());
            }
        }
        return redriven;
    }

    public long size() {
        Long n = redis.opsForList().size(KEY);
        return n == null ? 0 : n;
    }

    private List<String> records() {
        List<String> all = redis.opsForList().range(KEY, 0, -1);
        return all == null ? List.of() : all;
    }

    private static JsonNode readOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
