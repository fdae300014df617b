package org.camelmailer.api.schema;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * POST /message (and each item of a batch). The Flask front end's four fields keep their French names; each has an
 * English alias, and a field given under both names is a 400 naming both.
 */
@Schema(name = "Message", description = "A message to send. It needs a recipient (destinataire or to), a subject "
        + "(sujet or subject, or the template's) and a body: message/text, html or template. Every field but those is "
        + "optional. Recipients (to, cc and bcc together) are at most MAILER_MAX_RECIPIENTS and must be in "
        + "MAILER_ALLOWED_RECIPIENT_DOMAINS when it is set (403 otherwise); bcc recipients get the mail and no Bcc header "
        + "goes out. The Flask front end's request is destinataire, sujet and message (and enhance_content).",
        example = "{\"to\":[\"Alice Martin <alice@example.org>\",\"bob@example.org\"],\"cc\":\"carol@example.org\","
                + "\"subject\":\"Réunion d'été\",\"text\":\"Bonjour,\\nà jeudi.\",\"html\":\"<p>Bonjour,<br>à jeudi.</p>\","
                + "\"headers\":{\"X-Campaign\":\"été\"},\"tags\":[\"réunion\"],\"metadata\":{\"customer\":\"42\"}}")
public record MessageRequest(
        @Schema(description = "the recipient (the Flask front end's name for to): one address, with or without a "
                + "display name", example = "Alice Martin <alice@example.org>")
        String destinataire,
        Recipients to,
        Recipients cc,
        Recipients bcc,
        @JsonProperty("reply_to") @Schema(description = "one address") String replyTo,
        @Schema(description = "a display name and/or an address; the address must be SENDER_EMAIL or listed in "
                + "MAILER_ALLOWED_SENDERS (403 otherwise)", example = "Support <support@example.org>") String from,
        @Schema(description = "the subject (alias: subject); no CR/LF, at most 998 characters") String sujet,
        @Schema(description = "the subject (alias: sujet); overrides the template's") String subject,
        @Schema(description = "the plain-text body (alias: text)") String message,
        @Schema(description = "the plain-text body (alias: message)") String text,
        @Schema(description = "an HTML body: sent as multipart/alternative with the text, or with a text part derived "
                + "from it when no text is given") String html,
        @ArraySchema(schema = @Schema(implementation = Attachment.class)) List<Attachment> attachments,
        @Schema(description = "extra headers: names starting with X-, and List-Unsubscribe, List-Unsubscribe-Post; "
                + "any other name is a 400") Map<String, String> headers,
        @ArraySchema(maxItems = 10, schema = @Schema(description = "a short tag, stored with the task"))
        List<String> tags,
        @Schema(description = "string values stored with the task and returned by GET /message/{task_id} "
                + "(at most 4 KiB)") Map<String, String> metadata,
        @Schema(description = "the name of a template under templates/ (GET /templates lists them); an unknown one "
                + "is a 4xx at once", example = "welcome") String template,
        @Schema(description = "the template's variables; a variable the template uses and this lacks is a 4xx",
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE, example = "{\"name\":\"Alice\"}")
        Map<String, Object> variables,
        @JsonProperty("enhance_content")
        @Schema(description = "Gemini turns the plain text into HTML (a 400 together with html)") Boolean enhanceContent,
        @JsonProperty("send_at") @Schema(description = "send later: the task is scheduled until then (DELETE and PATCH "
                + "/message/{task_id} cancel or move it)") SendAt sendAt) {
}
