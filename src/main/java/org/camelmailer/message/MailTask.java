package org.camelmailer.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One accepted e-mail as it travels the queue: what the client asked for, plus the delivery attempt count.
 * Serialised as JSON text in Redis (field names follow the HTTP API's French names). {@code uncertain} is written
 * only when true (an earlier attempt's end of data went unanswered), so every other entry reads as before.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MailTask(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("destinataire") String destinataire,
        @JsonProperty("sujet") String sujet,
        @JsonProperty("message") String message,
        @JsonProperty("enhance_content") boolean enhanceContent,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("uncertain") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean uncertain) {

    public MailTask(String taskId, String destinataire, String sujet, String message, boolean enhanceContent,
                    int attempt, String createdAt) {
        this(taskId, destinataire, sujet, message, enhanceContent, attempt, createdAt, false);
    }

    /** The same task, one delivery attempt later. */
    public MailTask nextAttempt() {
        return new MailTask(taskId, destinataire, sujet, message, enhanceContent, attempt + 1, createdAt, uncertain);
    }

    /** The same task, marked: one of its attempts may have been delivered (no reply came to its end of data). */
    public MailTask markedUncertain() {
        return new MailTask(taskId, destinataire, sujet, message, enhanceContent, attempt, createdAt, true);
    }
}
