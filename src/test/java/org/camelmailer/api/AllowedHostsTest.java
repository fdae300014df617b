package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllowedHostsTest {

    static final AllowedHosts ON_LOOPBACK = AllowedHosts.of("127.0.0.1", "mailer.internal, Relay.Example.org");

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"localhost", "localhost:5001", "LOCALHOST:5001", "localhost.:5001", "app.localhost:5001",
            "127.0.0.1", "127.0.0.1:5001", "127.1.2.3:80", "[::1]", "[::1]:5001", "[0:0:0:0:0:0:0:1]:5001",
            "[::ffff:127.0.0.1]:5001", "mailer.internal", "mailer.internal:8080", "relay.example.org"})
    void should_answer_a_loopback_name_or_a_listed_one(String host) {
        assertThat(ON_LOOPBACK.allows(host)).isTrue();
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"evil.example:5001", "evil.example", "localhost.evil.example", "127.0.0.1.evil.example",
            "localhost-evil.example", "evilocalhost", "0.0.0.0:5001", "10.0.0.1:5001", "128.0.0.1", "127.0.0.256",
            "[::2]:5001", "[fe80::1]", "", ":5001", "sub.mailer.internal", "mailer.internal.evil.example"})
    void should_refuse_any_other_name(String host) {
        assertThat(ON_LOOPBACK.allows(host)).isFalse();
    }

    @ParameterizedTest(name = "MAILER_HTTP_HOST={0}")
    @ValueSource(strings = {"127.0.0.1", "localhost", "::1", "127.0.0.2"})
    void should_check_while_listening_on_loopback(String bind) {
        assertThat(AllowedHosts.of(bind, "").enabled()).isTrue();
        assertThat(AllowedHosts.of(bind, "").allows("evil.example:5001")).isFalse();
    }

    @ParameterizedTest(name = "MAILER_HTTP_HOST={0}")
    @ValueSource(strings = {"0.0.0.0", "::", "192.0.2.10"})
    void should_not_check_while_listening_on_another_address(String bind) {
        AllowedHosts hosts = AllowedHosts.of(bind, "mailer.internal");
        assertThat(hosts.enabled()).isFalse();
        assertThat(hosts.allows("evil.example:5001")).isTrue();
        assertThat(hosts.describe()).contains("Host check off").contains("MAILER_ALLOWED_HOSTS is not used");
    }

    @Test
    void should_let_a_request_without_a_host_through() {
        assertThat(ON_LOOPBACK.allows(null)).isTrue();
    }
}
