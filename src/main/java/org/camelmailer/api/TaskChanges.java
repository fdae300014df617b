package org.camelmailer.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.camelmailer.content.AttachmentStore;
import org.camelmailer.status.TaskStatusStore;

/**
 * {@code DELETE /message/{task_id}} and {@code PATCH /message/{task_id}}: a waiting task cancelled, or moved to another
 * send time, each in one Redis script on its record (status.TaskStatusStore), with nothing searched in the queues: the
 * entries queued before are withdrawn by the record's status or version, and a claim acknowledges them unsent.
 */
public final class TaskChanges {

    private final TaskStatusStore statuses;
    private final AttachmentStore attachments;

    public TaskChanges(TaskStatusStore statuses, AttachmentStore attachments) {
        this.statuses = statuses;
        this.attachments = attachments;
    }

    /** Scheduled, queued or retrying: 200 cancelled. Other statuses: 409 naming it; unknown: 404. */
    public void cancel(Message out, @Header(ApiResponses.TASK_ID) String taskId) {
        TaskStatusStore.Change change = taskId == null ? new TaskStatusStore.Change(null, false)
                : statuses.cancel(taskId, attachments.keptUntil(taskId, null));
        if (change.statusFound() == null) {
            unknown(out, taskId);
        } else if (!change.changed()) {
            ApiResponses.respond(out, 409, ApiResponses.body("error", "La tâche est " + change.statusFound()
                    + " : seule une tâche scheduled, queued ou retrying peut être annulée."));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("task_id", taskId);
            body.put("status", TaskStatusStore.CANCELLED);
            ApiResponses.respond(out, 200, body);
        }
    }

    /**
     * Scheduled or queued: 200 with the new send time ({@code sendAt}, the validated body; null: now, queued at once).
     * Other statuses: 409 naming it; unknown: 404.
     */
    public void reschedule(Message out, @Header(ApiResponses.TASK_ID) String taskId,
                           @Variable("sendAt") Instant sendAt) {
        Instant now = Instant.now();
        TaskStatusStore.Change change = taskId == null ? new TaskStatusStore.Change(null, false)
                : statuses.reschedule(taskId, sendAt, attachments.keptUntil(taskId, sendAt));
        if (change.statusFound() == null) {
            unknown(out, taskId);
        } else if (!change.entryKept()) {
            ApiResponses.respond(out, 409, ApiResponses.body("error", "La tâche est " + change.statusFound()
                    + " mais a été mise en file par une version antérieure du service : elle ne peut pas être "
                    + "reprogrammée (annulez-la et envoyez-la de nouveau)."));
        } else if (!change.changed()) {
            ApiResponses.respond(out, 409, ApiResponses.body("error", "La tâche est " + change.statusFound()
                    + " : seule une tâche scheduled ou queued peut être reprogrammée."));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("task_id", taskId);
            body.put("status", sendAt == null ? TaskStatusStore.QUEUED : TaskStatusStore.SCHEDULED);
            body.put("send_at", (sendAt == null ? now : sendAt).toString());
            ApiResponses.respond(out, 200, body);
        }
    }

    private static void unknown(Message out, String taskId) {
        ApiResponses.respond(out, 404, ApiResponses.body("error", "Tâche inconnue ou expirée : "
                + ApiResponses.safeId(taskId)));
    }
}
