package org.camelmailer.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    /** Read field by field or by Instant.parse, the same milliseconds as Instant.parse (its odd forms included). */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"2026-12-01T08:37:26.929122338Z", "2026-12-01T08:37:26Z", "2026-12-01T08:37:26.9Z",
        "2026-12-01T08:37:26.93Z", "2026-12-01T08:37:26.930Z", "2026-12-01T08:37:26.930001Z",
        "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2024-02-29T23:59:59.999999999Z",
        "2100-03-01T00:00:00.001Z", "+12026-12-01T08:37:26Z", "2026-12-01T09:37:26+01:00",
        "0001-01-01T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T08:37:26.Z", "2026-12-01T23:59:60Z"})
    void should_give_the_milliseconds_instant_parse_gives(String iso) {
        assertThat(Timestamps.epochMillis(iso)).isEqualTo(Instant.parse(iso).toEpochMilli());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"2026-02-30T08:37:26Z", "2026-13-01T08:37:26Z", "2026-12-01T08:37:60Z",
        "2026-12-01T08:37:26.12a4Z", "2026-12-01 08:37:26Z", "", "yesterday",
        "2026-12-01T08:37:26.1234567890Z"})
    void should_refuse_what_is_no_instant_as_instant_parse_does(String iso) {
        assertThatThrownBy(() -> Instant.parse(iso)).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> Timestamps.epochMillis(iso)).isInstanceOf(DateTimeException.class);
    }
}
