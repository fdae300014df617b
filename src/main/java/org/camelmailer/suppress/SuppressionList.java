package org.camelmailer.suppress;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.InvalidAddressException;
import org.camelmailer.observe.MailerMetrics;
import org.springframework.data.redis.connection.StringRedisConnection;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The addresses mail is no longer sent to: those the SMTP server refused for good at {@code RCPT TO} (see
 * {@link HardBounces}) and those an operator added. One Redis hash, {@code mailer:suppressions}, without expiry: the
 * bare address in lower case → {@code {"email","reason","task_id","at"}}. Addresses are compared by their address
 * part alone ({@code Alice <Alice@Example.org>} is {@code alice@example.org}).
 */
public final class SuppressionList {

    public static final String KEY = "mailer:suppressions";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> ENTRY = new TypeReference<>() {
    };

    private final StringRedisTemplate redis;
    private final HashOperations<String, String, String> hash;
    private final MailerMetrics metrics;

    public SuppressionList(StringRedisTemplate redis) {
        this(redis, MailerMetrics.none());
    }

    /** @param metrics counts the addresses added ({@code mailer_suppressions_added_total}) */
    public SuppressionList(StringRedisTemplate redis, MailerMetrics metrics) {
        this.redis = redis;
        this.hash = redis.opsForHash();
        this.metrics = metrics;
    }

    /**
     * The key an address is kept under: its address part in lower case.
     *
     * @throws InvalidAddressException when {@code address} is not one e-mail address
     */
    public static String keyOf(String address) {
        return EmailAddress.parse(address).address().toLowerCase(Locale.ROOT);
    }

    /**
     * Which of these addresses (normalised forms such as {@code Alice <alice@example.org>} or {@code bob@example.org})
     * are suppressed, as they were given, in their order; one round trip (HMGET), none for an empty collection. A text
     * that is no address is compared as it is written, in lower case.
     */
    public Set<String> suppressed(Collection<String> addresses) {
        Set<String> found = new LinkedHashSet<>();
        if (addresses == null || addresses.isEmpty()) {
            return found;
        }
        List<String> given = new ArrayList<>(addresses);
        List<String> keys = given.stream().map(EmailAddress::key).toList();
        List<String> entries = hash.multiGet(KEY, keys);
        for (int i = 0; i < given.size(); i++) {
            if (entries != null && entries.get(i) != null) {
                found.add(given.get(i));
            }
        }
        return found;
    }

    /**
     * Puts {@code address} on the list (again: the entry is replaced, with this reason and time) and returns its entry.
     *
     * @param reason why: the server's reply line (already redacted), or who added it
     * @param taskId the task whose delivery was refused, or null
     * @throws InvalidAddressException when {@code address} is not one e-mail address
     */
    public Map<String, Object> add(String address, String reason, String taskId) {
        String key = keyOf(address);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("email", key);
        entry.put("reason", reason);
        entry.put("task_id", taskId);
        entry.put("at", Instant.now().toString());
        // HSET answers whether the field is new: only a new address is counted
        Boolean added = redis.execute((RedisCallback<Boolean>) connection ->
                ((StringRedisConnection) connection).hSet(KEY, key, json(entry)));
        if (Boolean.TRUE.equals(added)) {
            metrics.suppressionAdded();
        }
        return entry;
    }

    /**
     * Takes {@code address} off the list: true when it was on it.
     *
     * @throws InvalidAddressException when {@code address} is not one e-mail address
     */
    public boolean remove(String address) {
        return hash.delete(KEY, keyOf(address)) > 0;
    }

    /** Every entry, sorted by address (for GET /admin/suppressions). */
    public List<Map<String, Object>> list() {
        Map<String, String> all = new TreeMap<>(hash.entries(KEY));
        List<Map<String, Object>> entries = new ArrayList<>(all.size());
        all.forEach((key, value) -> entries.add(entry(key, value)));
        return entries;
    }

    /** An entry as stored; one written by hand that is no such JSON still shows its address. */
    private static Map<String, Object> entry(String key, String value) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("email", key);
        entry.put("reason", null);
        entry.put("task_id", null);
        entry.put("at", null);
        try {
            Map<String, Object> stored = JSON.readValue(value, ENTRY);
            for (String field : List.of("reason", "task_id", "at")) {
                entry.put(field, stored.get(field));
            }
        } catch (JsonProcessingException e) {
            entry.put("reason", "unreadable entry (not the JSON this service writes)");
        }
        return entry;
    }

    private static String json(Map<String, Object> entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
