package org.camelmailer.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/** POST /messages/batch. */
@Schema(requiredProperties = {"messages"}, name = "BatchRequest", description = "Up to MAILER_BATCH_MAX messages (413 over it), each as POST /message takes it.",
        example = "{\"messages\":[{\"to\":\"alice@example.org\",\"subject\":\"Bonjour\",\"text\":\"…\"},"
                + "{\"to\":\"bob@example.org\",\"template\":\"welcome\",\"variables\":{\"name\":\"Bob\"}}]}")
public record BatchRequest(
        @ArraySchema(schema = @Schema(implementation = MessageRequest.class)) List<MessageRequest> messages) {
}
