package org.camelmailer.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

import org.camelmailer.status.TaskStatusStore;

/** The query parameters of {@code GET /messages}, checked: each bad one is a 400 naming it. */
final class SearchQuery {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Set<String> STATUSES = Set.copyOf(org.camelmailer.status.TaskEvents.STATUSES);
    private static final Pattern CURSOR = Pattern.compile("\\d{1,15}:[A-Za-z0-9_-]{1,64}");
    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");

    private SearchQuery() {
    }

    static TaskStatusStore.Query parse(String status, String tag, String recipient, String since, String until,
                                       String limit, String cursor) {
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidRequestException("Le paramètre 'status' doit être l'un de " + String.join(", ",
                    new java.util.TreeSet<>(STATUSES)) + ".");
        }
        if (tag != null && (tag.isBlank() || tag.length() > MessageValidator.MAX_TAG_LENGTH)) {
            throw new InvalidRequestException("Le paramètre 'tag' doit avoir de 1 à " + MessageValidator.MAX_TAG_LENGTH
                    + " caractères.");
        }
        if (recipient != null && recipient.isBlank()) {
            throw new InvalidRequestException("Le paramètre 'recipient' ne doit pas être vide.");
        }
        Long from = time("since", since);
        Long to = time("until", until);
        if (from != null && to != null && from > to) {
            throw new InvalidRequestException("Le paramètre 'since' doit précéder 'until'.");
        }
        int n = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw new InvalidRequestException("Le paramètre 'limit' doit être un entier de 1 à " + MAX_LIMIT + ".");
            }
        }
        if (cursor != null && !CURSOR.matcher(cursor).matches()) {
            throw new InvalidRequestException("Le paramètre 'cursor' n'est pas un curseur donné par next_cursor.");
        }
        return new TaskStatusStore.Query(status, tag == null ? null : tag.strip(),
                recipient == null ? null : recipient.strip(), from, to, n, cursor);
    }

    /** RFC 3339 with an offset, or seconds since the epoch; in epoch ms. */
    private static Long time(String name, String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (SECONDS.matcher(v).matches()) {
            return (long) (Double.parseDouble(v) * 1000);
        }
        try {
            return OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(v).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new InvalidRequestException("Le paramètre '" + name + "' doit être une date RFC 3339 "
                        + "(2026-12-01T08:00:00+01:00) ou un nombre de secondes depuis 1970.");
            }
        }
    }
}
