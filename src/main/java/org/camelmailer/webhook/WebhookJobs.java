package org.camelmailer.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.camelmailer.config.WebhookEvents;
import org.camelmailer.config.WebhookUrls;
import org.camelmailer.queue.ScriptJson;
import org.camelmailer.status.TaskEvents;

/**
 * The producing side of the webhook queue {@value #QUEUE}: for a task event named in MAILER_WEBHOOK_EVENTS, one JSON
 * job per MAILER_WEBHOOK_URL, which the status store pushes in the same script as the event. The webhook routes
 * (routes/webhooks.camel.yaml) deliver them.
 */
public final class WebhookJobs {

    public static final String QUEUE = "mailer:queue:webhooks";
    /** The events a webhook may be asked for (MAILER_WEBHOOK_EVENTS). */
    public static final List<String> EVENTS = WebhookEvents.EVENTS;

    private static final WebhookJobs NONE = new WebhookJobs(0, Set.of());

    private final int urls;
    private final Set<String> events;

    private WebhookJobs(int urls, Set<String> events) {
        this.urls = urls;
        this.events = events;
    }

    /** From MAILER_WEBHOOK_URL / MAILER_WEBHOOK_EVENTS; none() when no URL is configured. */
    public static WebhookJobs of(String urls, String events) {
        int n = WebhookUrls.parse(urls == null ? "" : urls).size();
        if (n == 0) {
            return none();
        }
        return new WebhookJobs(n, events(events == null ? "" : events));
    }

    public static WebhookJobs none() {
        return NONE;
    }

    /** The comma-separated event names; IllegalArgumentException naming the first that is not an event. */
    public static Set<String> events(String events) {
        return WebhookEvents.parse(events);
    }

    /** "sent", "failed", …: true when a job is to be made for this event. */
    public boolean wants(String event) {
        return event != null && events.contains(event);
    }

    /** Where the record scripts tell events: one job per receiver onto {@value #QUEUE}, for the events wanted. */
    public TaskEvents.Outbox outbox() {
        return new TaskEvents.Outbox() {
            @Override
            public boolean wants(String event) {
                return WebhookJobs.this.wants(event);
            }

            @Override
            public List<String[]> pushes(String event, Instant at, Map<String, Object> data) {
                return jobs(event, at, data).stream().map(job -> new String[] {QUEUE, job}).toList();
            }
        };
    }

    /** One JSON job per URL for this event (empty when the event is not wanted). */
    public List<String> jobs(String event, Instant at, Map<String, Object> data) {
        if (!wants(event)) {
            return List.of();
        }
        String createdAt = Instant.now().toString();
        List<String> jobs = new ArrayList<>(urls);
        for (int url = 0; url < urls; url++) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("webhook_id", "msg_" + UUID.randomUUID().toString().replace("-", ""));
            job.put("url", url);
            job.put("type", "message." + event);
            job.put("timestamp", at.getEpochSecond());
            job.put("data", data);
            job.put("attempt", 0);
            job.put("created_at", createdAt);
            // pushed by the record's script, which replaces its placeholders in it: the data's own '%' are escaped
            jobs.add(ScriptJson.write(job));
        }
        return jobs;
    }
}
