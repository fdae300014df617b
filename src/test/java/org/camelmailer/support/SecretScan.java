package org.camelmailer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Counts canary secrets in everything an operator, a client or an attacker could read after a run: texts are
 * added under a name saying where they come from, then each canary's occurrences are counted in each of them.
 */
public final class SecretScan {

    private final Map<String, StringBuilder> places = new LinkedHashMap<>();

    /** Adds {@code text} to what was seen at {@code where}. */
    public SecretScan add(String where, String text) {
        places.computeIfAbsent(where, w -> new StringBuilder()).append(text == null ? "" : text).append('\n');
        return this;
    }

    /** Every regular file under {@code dir}, read as UTF-8 (and also as Latin-1 when it is not UTF-8). */
    public SecretScan addFiles(String where, Path dir) {
        if (!Files.exists(dir)) {
            return this;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                String text = new String(bytes, StandardCharsets.UTF_8);
                add(where + ":" + dir.relativize(f), text.indexOf('\uFFFD') < 0 ? text
                        : text + "\n" + new String(bytes, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Every key of a Redis server with its value, whatever its type. */
    public SecretScan addRedis(String where, StringRedisTemplate redis) {
        for (String key : new TreeSet<>(redis.keys("*"))) {
            String value = switch (redis.type(key).code()) {
                case "string" -> redis.opsForValue().get(key);
                case "list" -> String.valueOf(redis.opsForList().range(key, 0, -1));
                case "hash" -> String.valueOf(redis.opsForHash().entries(key));
                case "set" -> String.valueOf(redis.opsForSet().members(key));
                case "zset" -> String.valueOf(redis.opsForZSet().rangeWithScores(key, 0, -1));
                default -> "";
            };
            add(where, key + " = " + value);
        }
        return this;
    }

    /** What was scanned, by place, with sizes: evidence that the scan saw the run. */
    public Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        places.forEach((w, t) -> sizes.put(w, t.length()));
        return sizes;
    }

    public int count(String canary) {
        return places.values().stream().mapToInt(t -> occurrences(t.toString(), canary)).sum();
    }

    /** One line per place where a canary occurs, with the count and the first occurrence in context. */
    public List<String> leaks(List<String> canaries) {
        List<String> leaks = new ArrayList<>();
        for (String canary : canaries) {
            places.forEach((where, text) -> {
                int n = occurrences(text.toString(), canary);
                if (n > 0) {
                    int at = text.indexOf(canary);
                    String context = text.substring(Math.max(0, at - 150), Math.min(text.length(), at + canary.length() + 60));
                    leaks.add(canary + " x" + n + " in " + where + ": ..." + context.replace('\n', ' ') + "...");
                }
            });
        }
        return leaks;
    }

    static int occurrences(String text, String canary) {
        int n = 0;
        for (int at = text.indexOf(canary); at >= 0; at = text.indexOf(canary, at + 1)) {
            n++;
        }
        return n;
    }
}
