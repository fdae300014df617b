package org.camelmailer.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of a duration, for every setting and every endpoint option of the service: {@code 250ms},
 * {@code 30s}, {@code 5m}, {@code 24h}, {@code 1d}; a bare number is seconds. (Camel's own TimeUtils reads a bare
 * number as milliseconds: two readings of "300" once turned a 300 s lease into 300 ms.)
 */
public final class Durations {

    /** What every refusal says a duration looks like. */
    public static final String FORM = "a duration such as 30s, 5m or 24h (a bare number is seconds)";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)?");

    private Durations() {
    }

    /** The duration {@code text} stands for; an IllegalArgumentException saying what is wrong otherwise. */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("must be " + FORM);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("is out of range");
        }
    }

    /** Milliseconds, for a value this class wrote itself or one already checked: {@code parse(text).toMillis()}. */
    public static long millis(String text) {
        return parse(text).toMillis();
    }

    /** The form a duration is handed to Camel properties and endpoint options in: unambiguous to any reader. */
    public static String format(Duration d) {
        return d.toMillis() + "ms";
    }

    /** "300 s", "250 ms", "5 min", "30 d": for log lines and messages. */
    public static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + " d";
        }
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
