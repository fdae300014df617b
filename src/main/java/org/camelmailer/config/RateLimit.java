package org.camelmailer.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MAILER_RATE_LIMIT read: {@code N/duration} ({@code 60/1m}; the duration as every duration, a bare number is seconds). */
public record RateLimit(int requests, Duration per) {

    private static final Pattern SPEC = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\S+)\\s*");
    private static final String FORM =
            "must look like 60/1m: requests per duration (a bare number is seconds: 60/60 is 60 a minute)";

    /** The limit {@code spec} sets, null for an empty one (no limit); an IllegalArgumentException saying the form. */
    public static RateLimit parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        Matcher m = SPEC.matcher(spec);
        if (!m.matches() || m.group(1).length() > 9 || Integer.parseInt(m.group(1)) < 1) {
            throw new IllegalArgumentException(FORM);
        }
        Duration per;
        try {
            per = Durations.parse(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORM);
        }
        if (per.isZero()) {
            throw new IllegalArgumentException(FORM + ", over a duration longer than 0");
        }
        return new RateLimit(Integer.parseInt(m.group(1)), per);
    }
}
