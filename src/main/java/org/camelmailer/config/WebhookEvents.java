package org.camelmailer.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** MAILER_WEBHOOK_EVENTS: the task events a webhook may be asked for. */
public final class WebhookEvents {

    public static final List<String> EVENTS = List.of("queued", "processing", "enhanced", "enhance_fallback",
            "retrying", "sent", "failed", "dead_lettered", "redriven", "suppressed", "scheduled", "cancelled");

    private WebhookEvents() {
    }

    /** The comma-separated event names; IllegalArgumentException naming the first that is none of {@link #EVENTS}. */
    public static Set<String> parse(String events) {
        Set<String> names = Arrays.stream(events.split(",")).map(e -> e.strip().toLowerCase(Locale.ROOT))
                .filter(e -> !e.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String name : names) {
            if (!EVENTS.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is not an event: use " + String.join(", ", EVENTS));
            }
        }
        return Set.copyOf(names);
    }
}
