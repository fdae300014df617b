package org.camelmailer.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** One file of a message's {@code attachments}. */
@Schema(name = "Attachment", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        example = "{\"filename\":\"facture.pdf\",\"content\":\"JVBERi0xLjcK\",\"content_type\":\"application/pdf\"}")
public record Attachment(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "reduced to a safe base name (no path, no CR/LF); non-ASCII names are sent RFC 2231-encoded")
        String filename,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "byte",
                description = "the file's bytes in base64; all attachments together at most MAILER_MAX_MESSAGE_SIZE "
                        + "decoded (413 over it)")
        String content,
        @JsonProperty("content_type") @Schema(description = "a MIME type; by default from the file name's extension")
        String contentType,
        @JsonProperty("content_id")
        @Schema(description = "makes the file an inline part that the html refers to as cid:<content_id>")
        String contentId) {
}
