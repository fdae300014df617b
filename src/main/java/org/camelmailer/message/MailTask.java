package org.camelmailer.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One accepted e-mail as it travels the queue: what the client asked for, plus the delivery attempt count.
 * Serialised as JSON text in Redis (field names follow the HTTP API's first, French names). A plain one-recipient task
 * is written exactly as before the message API grew ({@code "destinataire":"a@b"}); every later field is written only
 * when it holds something, and {@code uncertain} only when true (an earlier attempt's end of data went unanswered).
 * <p>
 * Addresses are the validated, normalised forms ({@link EmailAddress#text()}). Attachments travel here without their
 * content, which waits in Redis beside the task ({@code content.AttachmentStore}), so a queue entry stays small
 * whatever the attachments weigh.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MailTask(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("destinataire")
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED}) List<String> to,
        @JsonProperty("cc") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> cc,
        @JsonProperty("bcc") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> bcc,
        @JsonProperty("reply_to") @JsonInclude(JsonInclude.Include.NON_NULL) String replyTo,
        @JsonProperty("from") @JsonInclude(JsonInclude.Include.NON_NULL) String from,
        @JsonProperty("sujet") String sujet,
        @JsonProperty("message") @JsonInclude(JsonInclude.Include.NON_NULL) String message,
        @JsonProperty("html") @JsonInclude(JsonInclude.Include.NON_NULL) String html,
        @JsonProperty("headers") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> headers,
        @JsonProperty("attachments") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Attachment> attachments,
        @JsonProperty("tags") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tags,
        @JsonProperty("metadata") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> metadata,
        @JsonProperty("template") @JsonInclude(JsonInclude.Include.NON_NULL) String template,
        @JsonProperty("enhance_content") boolean enhanceContent,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("uncertain") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean uncertain,
        @JsonProperty("send_at") @JsonInclude(JsonInclude.Include.NON_NULL) String sendAt,
        @JsonProperty("v") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int version) {

    public MailTask {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
        headers = headers == null ? Map.of() : headers;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? Map.of() : metadata;
    }

    /** A task sent as soon as it is queued (no {@code send_at}), at its record's first version. */
    public MailTask(String taskId, List<String> to, List<String> cc, List<String> bcc, String replyTo, String from,
                    String sujet, String message, String html, Map<String, String> headers, List<Attachment> attachments,
                    List<String> tags, Map<String, String> metadata, String template, boolean enhanceContent, int attempt,
                    String createdAt, boolean uncertain) {
        this(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags, metadata, template,
                enhanceContent, attempt, createdAt, uncertain, null, 0);
    }

    /** The Flask mailer's task: one recipient, a subject, plain text. */
    public MailTask(String taskId, String destinataire, String sujet, String message, boolean enhanceContent,
                    int attempt, String createdAt) {
        this(taskId, List.of(destinataire), null, null, null, null, sujet, message, null, null, null, null, null, null,
                enhanceContent, attempt, createdAt, false);
    }

    /** The first recipient ({@code destinataire} of the Flask API). */
    @JsonIgnore
    public String destinataire() {
        return to.isEmpty() ? null : to.get(0);
    }

    /** Every envelope recipient: to, cc and bcc, in that order. */
    @JsonIgnore
    public List<String> recipients() {
        List<String> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
        all.addAll(to);
        all.addAll(cc);
        all.addAll(bcc);
        return all;
    }

    /** The same task, one delivery attempt later. */
    public MailTask nextAttempt() {
        return new MailTask(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, attempt + 1, createdAt, uncertain, sendAt, version);
    }

    /** The same task, marked: one of its attempts may have been delivered (no reply came to its end of data). */
    public MailTask markedUncertain() {
        return new MailTask(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, attempt, createdAt, true, sendAt, version);
    }

    /** The same task with these attachments (with or without their content). */
    public MailTask withAttachments(List<Attachment> replaced) {
        return new MailTask(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, replaced, tags,
                metadata, template, enhanceContent, attempt, createdAt, uncertain, sendAt, version);
    }

    /** The same message under another id and creation time. */
    public MailTask withIdentity(String id, String created) {
        return new MailTask(id, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, attempt, created, uncertain, sendAt, version);
    }

    /**
     * The same message without these recipients (normalised forms, as {@link #recipients()} gives them). Its first
     * recipient may be gone: then the mail has no To, and says so (see the composer).
     */
    public MailTask without(java.util.Collection<String> removed) {
        java.util.function.Predicate<String> kept = r -> !removed.contains(r);
        return new MailTask(taskId, to.stream().filter(kept).toList(), cc.stream().filter(kept).toList(),
                bcc.stream().filter(kept).toList(), replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, attempt, createdAt, uncertain, sendAt, version);
    }

    /** The same task as a fresh first attempt (a dead letter re-driven). */
    public MailTask restarted() {
        return new MailTask(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, 0, createdAt, false, sendAt, version);
    }

    /** The same task to be sent at {@code at} (an RFC 3339 instant; null: at once). */
    public MailTask scheduledAt(String at) {
        return new MailTask(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, attempt, createdAt, uncertain, at, version);
    }

    /** The task as first queued, before any schedule: no send_at, version 0 (what a reschedule builds on). */
    public MailTask unscheduled() {
        return new MailTask(taskId, to, cc, bcc, replyTo, from, sujet, message, html, headers, attachments, tags,
                metadata, template, enhanceContent, attempt, createdAt, uncertain, null, 0);
    }

    /** When its retries start counting their age (MAILER_RETRY_MAX_AGE): its send time, or its creation. */
    @JsonIgnore
    public String agedFrom() {
        if (sendAt == null || createdAt == null) {
            return createdAt;
        }
        return java.time.Instant.parse(sendAt).isAfter(java.time.Instant.parse(createdAt)) ? sendAt : createdAt;
    }
}
