package org.camelmailer.api;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.status.TaskStatusStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP answer of the API, as the Flask mailer's front ends expect it: a JSON object with
 * {@code status} and {@code message}. Request headers are dropped first so none is echoed back.
 */
public final class ApiResponses {

    /** The REST path parameter naming a task ({@code /message/{task_id}}), as a header. */
    static final String TASK_ID = "task_id";

    public static final String QUEUED_MESSAGE = "La demande d'envoi d'email a été mise en file d'attente.";

    private static final Logger LOG = LoggerFactory.getLogger(ApiResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TaskStatusStore statuses;
    private final MailerMetrics metrics;

    public ApiResponses(TaskStatusStore statuses, MailerMetrics metrics) {
        this.statuses = statuses;
        this.metrics = metrics;
    }

    public void health(Message out) {
        respond(out, 200, body("ok", "Mailing service is running"));
    }

    public static final String SCHEDULED_MESSAGE = "La demande d'envoi d'email est programmée.";

    public void queued(Message out, @Variable("admission") TaskAdmission.Admission admission) {
        Map<String, Object> body = admission.due() == null ? body("queued", QUEUED_MESSAGE)
                : body("scheduled", SCHEDULED_MESSAGE);
        body.put("task_id", admission.taskId());
        if (admission.due() != null) {
            body.put("send_at", java.time.Instant.ofEpochMilli(admission.due().longValue()).toString());
        }
        if (!admission.replay()) {
            metrics.accepted();
        }
        respond(out, 202, body);
    }

    /** POST /messages/batch: 200 and a result per message, queued (with its task id) or refused (with why). */
    public void batch(Message out, @Variable("admitted") BatchAdmission.Admitted admitted) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("results", admitted.results());
        metrics.accepted(admitted.queued());
        respond(out, 200, body);
    }

    /** GET /message/{task_id}: the path's task_id arrives as a header. */
    public void taskStatus(Message out, @Header(TASK_ID) String taskId) {
        Map<String, Object> record = taskId == null ? null : statuses.find(taskId);
        if (record == null) {
            respond(out, 404, body("error", "Tâche inconnue ou expirée : " + safeId(taskId)));
        } else {
            respond(out, 200, record);
        }
    }

    /** GET /message/{task_id}/events: the task's events, oldest first; 404 JSON when unknown or expired. */
    public void events(Message out, @Header(TASK_ID) String taskId) {
        List<Map<String, Object>> events = taskId == null ? null : statuses.events(taskId);
        if (events == null) {
            respond(out, 404, body("error", "Tâche inconnue ou expirée : " + safeId(taskId)));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", taskId);
        body.put("events", events);
        respond(out, 200, body);
    }

    /** GET /messages: the tasks matching the query parameters, newest first, and the cursor of the next page. */
    public void search(Message out, @Header("status") String status, @Header("tag") String tag,
                       @Header("recipient") String recipient, @Header("since") String since,
                       @Header("until") String until, @Header("limit") String limit, @Header("cursor") String cursor) {
        TaskStatusStore.Page page = statuses.search(SearchQuery.parse(status, tag, recipient, since, until, limit,
                cursor));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messages", page.tasks());
        body.put("next_cursor", page.nextCursor());
        respond(out, 200, body);
    }

    public void rejected(Message out, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) InvalidRequestException e) {
        respond(out, e.status(), body("error", e.getMessage()));
        if (e.retryAfterSeconds() > 0) {
            out.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
    }

    public void unavailable(Message out, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        LOG.error("request failed: {}", e == null ? "unknown error" : rootCause(e));
        respond(out, 500, body("error",
                "La demande n'a pas pu être mise en file d'attente (file indisponible). Réessayez plus tard."));
    }

    /** The innermost cause, which says what failed (Camel wraps it in an exception that only names the exchange). */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }

    public static Map<String, Object> body(String status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("message", message);
        return body;
    }

    /** The request's headers are dropped first, so none is echoed back. */
    public static void respond(Message out, int status, Map<String, Object> body) {
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        try {
            // UTF-8 bytes (the JVM default charset may not be UTF-8) in a ByteBuffer: platform-http-vertx writes
            // a ByteBuffer in one go, while a byte[] goes through a converted InputStream pumped chunk by chunk
            out.setBody(ByteBuffer.wrap(JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An id echoed in an error is cut short and stripped of anything that is not an id character. */
    public static String safeId(String id) {
        if (id == null) {
            return "";
        }
        String clean = id.replaceAll("[^A-Za-z0-9_-]", "");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }
}
