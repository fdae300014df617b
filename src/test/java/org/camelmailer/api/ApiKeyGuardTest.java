package org.camelmailer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class ApiKeyGuardTest {

    private final ApiKeyGuard guard = new ApiKeyGuard("s3cret-key");

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_take_the_key_as_bearer_or_x_api_key_everywhere() {
        assertThat(guard.accepts("s3cret-key", null)).isTrue();
        assertThat(guard.accepts(null, "Bearer s3cret-key")).isTrue();
        assertThat(guard.accepts(null, "bearer s3cret-key")).isTrue();
        assertThat(guard.accepts(null, null)).isFalse();
        assertThat(guard.accepts("wrong", "Bearer s3cret-key")).as("a wrong X-API-Key is not saved by a bearer").isFalse();
        assertThat(guard.accepts(null, basic("hawtio:s3cret-key"))).as("Basic only on Jolokia's path").isFalse();
    }

    @Test
    void should_take_the_key_as_the_password_of_basic_for_hawtio() {
        assertThat(guard.acceptsOrBasic(null, basic("hawtio:s3cret-key"))).isTrue();
        assertThat(guard.acceptsOrBasic(null, basic(":s3cret-key"))).isTrue();
        assertThat(guard.acceptsOrBasic(null, basic("token:s3cret-key"))).as("Hawtio's proxy from a Bearer").isTrue();
        assertThat(guard.acceptsOrBasic(null, "Bearer s3cret-key")).isTrue();
        assertThat(guard.acceptsOrBasic(null, basic("s3cret-key:x"))).as("the key as the user name").isFalse();
        assertThat(guard.acceptsOrBasic(null, basic("s3cret-key"))).as("no colon").isFalse();
        assertThat(guard.acceptsOrBasic(null, "Basic not-base64!")).isFalse();
        assertThat(guard.acceptsOrBasic("wrong", basic("u:s3cret-key"))).isFalse();
        assertThat(guard.acceptsOrBasic(null, null)).isFalse();
    }

    @Test
    void should_let_everything_pass_without_a_key() {
        ApiKeyGuard open = new ApiKeyGuard("");
        assertThat(open.accepts(null, null)).isTrue();
        assertThat(open.acceptsOrBasic(null, null)).isTrue();
    }
}
