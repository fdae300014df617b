package org.camelmailer.message;

import java.time.Instant;
import java.time.LocalDate;

/** Times as tasks and records keep them: ISO-8601 instants in UTC, as {@link Instant#toString()} writes them. */
public final class Timestamps {

    private Timestamps() {
    }

    /**
     * The epoch milliseconds of {@code iso}. The form {@link Instant#toString()} writes for this era
     * ({@code 2026-12-01T08:37:26.929122338Z}, a fraction of 0 to 9 digits) is read field by field: this runs for every
     * message accepted, where {@link Instant#parse} would cost more than the rest of the record. Anything else goes
     * through {@link Instant#parse}.
     *
     * @throws java.time.format.DateTimeParseException when it is no instant
     */
    public static long epochMillis(String iso) {
        int n = iso.length();
        if (n < 20 || n > 30 || iso.charAt(4) != '-' || iso.charAt(7) != '-' || iso.charAt(10) != 'T'
                || iso.charAt(13) != ':' || iso.charAt(16) != ':' || iso.charAt(n - 1) != 'Z'
                || (n > 20 && (iso.charAt(19) != '.' || n == 21))) {
            return Instant.parse(iso).toEpochMilli();
        }
        int year = digits(iso, 0, 4);
        int month = digits(iso, 5, 7);
        int day = digits(iso, 8, 10);
        int hour = digits(iso, 11, 13);
        int minute = digits(iso, 14, 16);
        int second = digits(iso, 17, 19);
        // the fraction's first three digits, padded with zeros; every one of its digits checked
        int millis = n > 20 && digits(iso, 20, n - 1) < 0 ? -1 : 0;
        for (int i = 20; i < 23 && millis >= 0; i++) {
            millis = millis * 10 + (i < n - 1 ? iso.charAt(i) - '0' : 0);
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return Instant.parse(iso).toEpochMilli();
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (java.time.DateTimeException e) {
            return Instant.parse(iso).toEpochMilli();
        }
        return ((date.toEpochDay() * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /**
     * How long from now something is kept that must live {@code ttl} after {@code sendAt} (a scheduled task's record
     * and attachments), or after now when {@code sendAt} is null or past.
     */
    public static java.time.Duration keptFor(java.time.Duration ttl, Instant sendAt) {
        java.time.Duration wait = sendAt == null ? java.time.Duration.ZERO
                : java.time.Duration.between(Instant.now(), sendAt);
        return wait.isNegative() ? ttl : ttl.plus(wait);
    }

    /** The decimal number in {@code s} from {@code from} to {@code to}, or -1 when a character is no digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
