package org.camelmailer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"300, PT5M", "0, PT0S", "250ms, PT0.25S", "30s, PT30S", "5m, PT5M", "24h, PT24H", "1d, PT24H",
            "' 7 s ', PT7S", "300000ms, PT5M", "5M, PT5M"})
    void should_read_every_documented_form_and_a_bare_number_as_seconds(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"", "s", "-1s", "1.5h", "5w", "PT5M", "1m30s"})
    void should_refuse_anything_else(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be " + Durations.FORM);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"300, 300000ms", "250ms, 250ms", "1d, 86400000ms"})
    void should_format_what_it_reads_back_to_the_same_duration(String text, String formatted) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(formatted);
        assertThat(Durations.parse(formatted)).isEqualTo(Durations.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"250ms, 250 ms", "3s, 3 s", "90s, 90 s", "1m, 1 min", "5m, 5 min", "24h, 1 d", "30d, 30 d"})
    void should_describe_a_duration_in_its_largest_whole_unit(String text, String described) {
        assertThat(Durations.describe(Durations.parse(text))).isEqualTo(described);
    }
}
