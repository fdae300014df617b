package org.camelmailer.queue;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One accepted e-mail as it travels the queue: what the client asked for, plus the delivery attempt count.
 * Serialised as JSON text in Redis (field names follow the HTTP API's French names).
 */
public record MailTask(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("destinataire") String destinataire,
        @JsonProperty("sujet") String sujet,
        @JsonProperty("message") String message,
        @JsonProperty("enhance_content") boolean enhanceContent,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("created_at") String createdAt) {

    /** The same task, one delivery attempt later. */
    public MailTask nextAttempt() {
        return new MailTask(taskId, destinataire, sujet, message, enhanceContent, attempt + 1, createdAt);
    }
}
