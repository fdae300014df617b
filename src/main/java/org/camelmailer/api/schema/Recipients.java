package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code to}, {@code cc}, {@code bcc}: one address, or a list of them. */
@Schema(name = "Recipients", oneOf = {String.class, String[].class},
        description = "one address or a list of them; an address may carry a display name (Alice <alice@example.org>)",
        example = "[\"alice@example.org\", \"Bob Martin <bob@example.org>\"]")
public interface Recipients {
}
