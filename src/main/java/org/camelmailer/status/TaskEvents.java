package org.camelmailer.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camelmailer.message.EmailAddress;
import org.camelmailer.message.MailTask;
import org.camelmailer.queue.ScriptJson;

/**
 * What a task's record changes carry besides its fields ({@code queue.TaskQueue.PUT}): the event that explains the
 * change (appended to {@code mailer:task:<id>:events}), the webhook jobs it starts (through {@link Outbox}) and the
 * moves of the task between the search indexes: every task by creation time, by status, by tag and by recipient.
 */
public final class TaskEvents {

    /** Every task, scored by its creation time in ms. */
    public static final String ALL = "mailer:index:all";
    static final String STATUS = "mailer:index:status:";
    static final String TAG = "mailer:index:tag:";
    static final String RECIPIENT = "mailer:index:rcpt:";
    public static final List<String> STATUSES = List.of(TaskStatusStore.SCHEDULED, TaskStatusStore.QUEUED,
            TaskStatusStore.PROCESSING, TaskStatusStore.RETRYING, TaskStatusStore.SENT, TaskStatusStore.FAILED,
            TaskStatusStore.CANCELLED);


    /** Where events go besides the task's history: webhook jobs, as (list, entry) pairs pushed with the record. */
    @FunctionalInterface
    public interface Outbox {
        Outbox NONE = new Outbox() {
            @Override
            public boolean wants(String event) {
                return false;
            }

            @Override
            public List<String[]> pushes(String event, Instant at, Map<String, Object> data) {
                return List.of();
            }
        };

        /** Whether this event is told at all (when not, what a receiver would be told is not even built). */
        default boolean wants(String event) {
            return true;
        }

        /** The list/entry pairs to push for this event; {@code data} holds what a receiver is told. */
        List<String[]> pushes(String event, Instant at, Map<String, Object> data);
    }

    private final Outbox outbox;

    public TaskEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    static String statusSet(String status) {
        return STATUS + status;
    }

    static String tagSet(String tag) {
        return TAG + tag;
    }

    /** A recipient's set, by its bare address in lower case (what GET /messages?recipient= compares). */
    static String recipientSet(String address) {
        return RECIPIENT + EmailAddress.key(address);
    }

    /**
     * The pair that moves the task from the set of the status its record had into {@code status}'s set (the write
     * must set the record's status: the script reads the one before as the record changes).
     */
    static List<String> statusMove(String status) {
        return List.of("+move:" + STATUS, status);
    }

    /** The index entries of a new task: all tasks, its status, its tags, its recipients. */
    static List<String> indexed(MailTask task, String status) {
        List<String> pairs = new ArrayList<>(List.of("+zadd:" + ALL, task.taskId()));
        pairs.addAll(statusMove(status));
        for (String tag : task.tags()) {
            pairs.add("+zadd:" + tagSet(tag));
            pairs.add(task.taskId());
        }
        for (String recipient : task.recipients()) {
            pairs.add("+zadd:" + recipientSet(recipient));
            pairs.add(task.taskId());
        }
        return pairs;
    }

    /**
     * The pairs for one event: {@code +event} with its JSON ({@code attempt} may be {@link ScriptJson#ATTEMPT}),
     * then a {@code +push:} per outbox entry. {@code task} (null for an entry that is no task) gives what a webhook
     * receiver is told besides the event.
     */
    List<String> event(String event, Instant at, Object attempt, Map<String, Object> details, MailTask task,
                       String status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event", event);
        json.put("at", at.toString());
        json.put("attempt", attempt);
        json.put("sequence", ScriptJson.SEQ);
        // what explains the event, when there is something (no "message_id": null for a mail written to the outbox)
        details.forEach((k, v) -> {
            if (v != null) {
                json.put(k, v);
            }
        });
        List<String> pairs = new ArrayList<>(List.of("+event", ScriptJson.write(json)));
        if (!outbox.wants(event)) {
            return pairs;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", task == null ? ScriptJson.TASK_ID : task.taskId());
        data.put("status", status);
        data.put("recipients", task == null ? null : task.recipients().size());
        data.put("attempt", attempt);
        data.putAll(details);
        data.put("tags", task == null ? List.of() : task.tags());
        data.put("metadata", task == null ? Map.of() : task.metadata());
        data.put("sequence", ScriptJson.SEQ);
        for (String[] push : outbox.pushes(event, at, data)) {
            pairs.add("+push:" + push[0]);
            pairs.add(push[1]);
        }
        return pairs;
    }
}
