package org.camelmailer.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code send_at}: an RFC 3339 time with its offset, or seconds since 1970 (a number, or a string of digits). */
@Schema(name = "SendAt", oneOf = {String.class, Double.class},
        description = "when to send: an RFC 3339 time with its offset (2026-12-24T08:00:00+01:00) or seconds since "
                + "1970; now or past: at once; later than MAILER_MAX_SCHEDULE_AHEAD (365 days) from now: a 400",
        example = "\"2026-12-24T08:00:00+01:00\"")
public interface SendAt {
}
