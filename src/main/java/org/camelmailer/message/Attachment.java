package org.camelmailer.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One attachment of a task: a safe file name, its media type, the Content-ID of an inline part (for {@code cid:}
 * references in the HTML; null for an ordinary attachment), its size, and its bytes (base64 in JSON) as the API read
 * them — null in a queued task: the content waits in Redis apart from the queue entry.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attachment(
        @JsonProperty("filename") String filename,
        @JsonProperty("content_type") String contentType,
        @JsonProperty("content_id") String contentId,
        @JsonProperty("size") long size,
        @JsonProperty("content") byte[] content) {

    public Attachment withContent(byte[] bytes) {
        return new Attachment(filename, contentType, contentId, size, bytes);
    }

    public Attachment withoutContent() {
        return new Attachment(filename, contentType, contentId, size, null);
    }

    public boolean inline() {
        return contentId != null;
    }
}
