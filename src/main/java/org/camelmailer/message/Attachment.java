package org.camelmailer.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One attachment of a task: a safe file name, its media type, the Content-ID of an inline part (for {@code cid:}
 * references in the HTML; null for an ordinary attachment), its decoded size, and its content in base64 — null while the
 * task is queued (the content waits in Redis apart from the queue entry) and restored before the mail is composed.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attachment(
        @JsonProperty("filename") String filename,
        @JsonProperty("content_type") String contentType,
        @JsonProperty("content_id") String contentId,
        @JsonProperty("size") long size,
        @JsonProperty("content") String content) {

    public Attachment withContent(String base64) {
        return new Attachment(filename, contentType, contentId, size, base64);
    }

    public Attachment withoutContent() {
        return new Attachment(filename, contentType, contentId, size, null);
    }

    public boolean inline() {
        return contentId != null;
    }
}
