package org.camelmailer.dashboard;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Message;
import org.camelmailer.api.ApiResponses;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.worker.DeadLetters;

/**
 * GET /admin/overview: what the dashboard's first panel shows, every number read where it already is. Queue depths
 * from the queues' keys, the tasks that became sent or failed in each minute of the last hour from the counts the
 * status changes keep (one MGET), the Gemini and webhook outcomes from this process' Micrometer counters.
 */
public final class Overview {

    static final int MINUTES = 60;
    static final List<String> GEMINI_OUTCOMES = List.of("html", "retry", "fallback");
    static final List<String> WEBHOOK_OUTCOMES = List.of("delivered", "retried", "dead_lettered");

    private final TaskQueue plain;
    private final TaskQueue enhance;
    private final TaskQueue webhooks;
    private final DeadLetters deadLetters;
    private final TaskStatusStore statuses;
    private final MailerMetrics metrics;

    public Overview(TaskQueue plain, TaskQueue enhance, TaskQueue webhooks, DeadLetters deadLetters,
                    TaskStatusStore statuses, MailerMetrics metrics) {
        this.plain = plain;
        this.enhance = enhance;
        this.webhooks = webhooks;
        this.deadLetters = deadLetters;
        this.statuses = statuses;
        this.metrics = metrics;
    }

    public void answer(Message out) {
        long now = System.currentTimeMillis();
        // sixty whole minutes, the current one last
        long fromMinute = now / 60_000 - (MINUTES - 1);
        Map<String, List<Long>> perMinute = statuses.perMinute(
                List.of(TaskStatusStore.SENT, TaskStatusStore.FAILED), fromMinute, MINUTES);

        Map<String, Object> queues = new LinkedHashMap<>();
        queues.put("plain", plain.ready());
        queues.put("enhance", enhance.ready());
        queues.put("scheduled", statuses.count(TaskStatusStore.SCHEDULED));
        queues.put("delayed", plain.delayed() + enhance.delayed());
        queues.put("inflight", plain.inflight() + enhance.inflight());
        queues.put("dead", deadLetters.count());
        queues.put("webhooks", webhooks.depth());

        Map<String, Object> minutes = new LinkedHashMap<>();
        minutes.put("from", Instant.ofEpochMilli(fromMinute * 60_000).toString());
        minutes.put("sent", perMinute.get(TaskStatusStore.SENT));
        minutes.put("failed", perMinute.get(TaskStatusStore.FAILED));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("at", Instant.ofEpochMilli(now).toString());
        body.put("queues", queues);
        body.put("per_minute", minutes);
        body.put("gemini", metrics.counts("mailer.gemini.calls", "outcome", GEMINI_OUTCOMES));
        body.put("webhooks", metrics.counts("mailer.webhooks.deliveries", "outcome", WEBHOOK_OUTCOMES));
        ApiResponses.respond(out, 200, body);
    }
}
