package org.camelmailer.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.camelmailer.webhook.WebhookDeadLetters;
import org.camelmailer.worker.DeadLetters;

/** The operators' HTTP endpoints under /admin: list the dead letters, re-drive one or all; the same for webhooks. */
public final class AdminApi {

    private final DeadLetters deadLetters;
    private final WebhookDeadLetters webhookDeadLetters;

    public AdminApi(DeadLetters deadLetters, WebhookDeadLetters webhookDeadLetters) {
        this.deadLetters = deadLetters;
        this.webhookDeadLetters = webhookDeadLetters;
    }

    /** GET /admin/webhooks/dead-letters: newest first. */
    public void listWebhooks(Message out) {
        List<Map<String, Object>> records = webhookDeadLetters.list();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("count", records.size());
        body.put("dead_letters", records);
        ApiResponses.respond(out, 200, body);
    }

    /** POST /admin/webhooks/dead-letters/redrive: every one back on the webhook queue, with a fresh age. */
    public void redriveWebhooks(Message out) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("redriven", webhookDeadLetters.redriveAll());
        ApiResponses.respond(out, 200, body);
    }

    public void list(Message out) throws JsonProcessingException {
        List<Map<String, Object>> records = deadLetters.list();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("count", records.size());
        body.put("dead_letters", records);
        ApiResponses.respond(out, 200, body);
    }

    /** POST /admin/dead-letters/redrive (all) or /admin/dead-letters/{task_id}/redrive (one; 404 if absent). */
    public void redrive(Message out, @Header(ApiResponses.TASK_ID) String taskId) throws JsonProcessingException {
        List<String> redriven = deadLetters.redrive(taskId);
        if (taskId != null && redriven.isEmpty()) {
            throw new InvalidRequestException(404, "Aucune lettre morte pour cette tâche.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("redriven", redriven);
        ApiResponses.respond(out, 200, body);
    }
}
