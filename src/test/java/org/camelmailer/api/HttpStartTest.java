package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class HttpStartTest {

    @Test
    void should_show_the_address_a_host_setting_binds() {
        assertThat(HttpStart.authority("127.0.0.1", 5001)).isEqualTo("127.0.0.1:5001");
        assertThat(HttpStart.authority("localhost", 5001)).isIn("127.0.0.1:5001", "[0:0:0:0:0:0:0:1]:5001");
        assertThat(HttpStart.authority("::1", 5001)).isEqualTo("[::1]:5001");
        assertThat(HttpStart.authority("[::1]", 5001)).isEqualTo("[::1]:5001");
        assertThat(HttpStart.authority("0.0.0.0", 80)).isEqualTo("0.0.0.0:80");
    }

    @Test
    void should_say_why_an_address_cannot_be_bound() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThat(HttpStart.whyNotBindable("127.0.0.1", Integer.toString(taken.getLocalPort())))
                    .isEqualTo("address already in use");
        }
        // an address of another machine
        assertThat(HttpStart.whyNotBindable("192.0.2.1", "8080")).isEqualTo("cannot assign requested address");
    }
}
