package org.camelmailer.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The name given in EHLO: one a strict server (reject_non_fqdn_helo_hostname) takes, chosen without a setting. */
class SmtpTransportTest {

    private static final InetAddress LAN = address("192.0.2.10");

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void should_say_the_configured_name_first() {
        assertThat(SmtpTransport.heloName("relay.example.net", "mx1.example.org", "example.org", LAN))
                .isEqualTo(new SmtpTransport.HeloName("relay.example.net", "SMTP_HELO_NAME"));
    }

    @Test
    void should_say_the_machine_name_when_it_is_fully_qualified() {
        assertThat(SmtpTransport.heloName("", "MX1.Example.org", "example.org", LAN))
                .isEqualTo(new SmtpTransport.HeloName("mx1.example.org", "this machine's name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vm", "localhost", "localhost.localdomain", "web-7f9c.local", "10.0.0.5", ""})
    void should_say_the_sender_domain_when_the_machine_has_no_full_name(String machine) {
        assertThat(SmtpTransport.heloName(null, machine, "example.org", LAN))
                .isEqualTo(new SmtpTransport.HeloName("example.org", "the domain of SENDER_EMAIL"));
    }

    @Test
    void should_say_an_address_literal_when_no_name_will_do() {
        assertThat(SmtpTransport.heloName(null, "vm", "localhost", LAN).name()).isEqualTo("[192.0.2.10]");
        assertThat(SmtpTransport.heloName(null, "vm", "localhost", address("2001:db8::25")).name())
                .isEqualTo("[IPv6:2001:db8:0:0:0:0:0:25]");
    }
}
