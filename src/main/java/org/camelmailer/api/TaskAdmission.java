package org.camelmailer.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.camelmailer.queue.MailTask;
import org.camelmailer.queue.TaskStatusStore;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Admits a validated task before it is pushed onto the queue: honours {@code Idempotency-Key} (the same key
 * answers the same task id and queues nothing new) and writes the "queued" status record. If the push then
 * fails, {@link #undo} removes both, so a client retry starts clean and nothing is half queued.
 */
public final class TaskAdmission {

    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final int MAX_KEY_LENGTH = 255;

    private final StringRedisTemplate redis;
    private final TaskStatusStore statuses;
    private final Duration ttl;
    private final ObjectMapper json = new ObjectMapper();

    public TaskAdmission(StringRedisTemplate redis, TaskStatusStore statuses, Duration ttl) {
        this.redis = redis;
        this.statuses = statuses;
        this.ttl = ttl;
    }

    /**
     * Reads variable {@code task}; sets {@code taskId}, {@code enhance}, and either {@code replay=true} (nothing
     * to queue) or {@code taskJson}, the text to push.
     */
    public void admit(Exchange exchange) throws JsonProcessingException {
        MailTask task = exchange.getVariable("task", MailTask.class);
        exchange.setVariable("taskId", task.taskId());
        exchange.setVariable("enhance", task.enhanceContent());
        exchange.setVariable("replay", false);
        String key = exchange.getIn().getHeader(IDEMPOTENCY_HEADER, String.class);
        if (key != null && !key.isBlank()) {
            if (key.length() > MAX_KEY_LENGTH) {
                throw new InvalidRequestException("L'en-tête Idempotency-Key dépasse " + MAX_KEY_LENGTH + " caractères.");
            }
            String redisKey = "mailer:idem:" + sha256(key);
            String claim = task.taskId() + " " + fingerprint(task);
            Boolean fresh = redis.opsForValue().setIfAbsent(redisKey, claim, ttl);
            if (!Boolean.TRUE.equals(fresh)) {
                String earlier = redis.opsForValue().get(redisKey);
                if (earlier != null) {
                    replay(exchange, earlier, fingerprint(task));
                    return;
                }
                redis.opsForValue().set(redisKey, claim, ttl);
            }
            exchange.setVariable("idempotencyKey", redisKey);
        }
        statuses.queued(task);
        exchange.setVariable("taskJson", json.writeValueAsString(task));
    }

    private static void replay(Exchange exchange, String earlier, String fingerprint) {
        int space = earlier.indexOf(' ');
        if (!earlier.substring(space + 1).equals(fingerprint)) {
            throw new InvalidRequestException(422,
                    "Cette Idempotency-Key a déjà servi pour une autre demande.");
        }
        exchange.setVariable("taskId", earlier.substring(0, space));
        exchange.setVariable("replay", true);
    }

    /** Best effort: removes what {@link #admit} wrote, after the queue refused the task. */
    public void undo(Exchange exchange) {
        String taskId = exchange.getVariable("taskId", String.class);
        Boolean replay = exchange.getVariable("replay", Boolean.class);
        if (taskId == null || Boolean.TRUE.equals(replay)) {
            return;
        }
        try {
            statuses.delete(taskId);
            String idempotencyKey = exchange.getVariable("idempotencyKey", String.class);
            if (idempotencyKey != null) {
                redis.delete(idempotencyKey);
            }
        } catch (RuntimeException e) {
            // Redis is down: the orphan status record (for an id no client ever got) expires with its TTL
        }
    }

    private static String fingerprint(MailTask t) {
        return sha256(t.destinataire() + '\0' + t.sujet() + '\0' + t.message() + '\0' + t.enhanceContent());
    }

    private static String sha256(String s) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
