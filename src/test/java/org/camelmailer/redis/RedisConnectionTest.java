package org.camelmailer.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

class RedisConnectionTest {

    @Test
    void should_default_to_port_6379_database_0_and_no_credentials() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://cache.internal");

        assertThat(conf.getHostName()).isEqualTo("cache.internal");
        assertThat(conf.getPort()).isEqualTo(6379);
        assertThat(conf.getDatabase()).isZero();
        assertThat(conf.getUsername()).isNull();
        assertThat(conf.getPassword().isPresent()).isFalse();
    }

    @Test
    void should_read_port_and_database() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://10.0.0.5:6380/3");

        assertThat(conf.getHostName()).isEqualTo("10.0.0.5");
        assertThat(conf.getPort()).isEqualTo(6380);
        assertThat(conf.getDatabase()).isEqualTo(3);
    }

    @Test
    void should_read_a_password_without_a_user() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://:s3cret@redis:6379/0");

        assertThat(conf.getUsername()).isNull();
        assertThat(conf.getPassword().get()).isEqualTo("s3cret".toCharArray());
    }

    @Test
    void should_read_a_user_and_a_password() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://alice:s3cret@redis:6379");

        assertThat(conf.getUsername()).isEqualTo("alice");
        assertThat(conf.getPassword().get()).isEqualTo("s3cret".toCharArray());
    }

    @Test
    void should_percent_decode_the_password() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://:p%40ss%3Aw%2Fd@redis");

        assertThat(conf.getPassword().get()).isEqualTo("p@ss:w/d".toCharArray());
    }

    @Test
    void should_accept_the_tls_scheme() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("rediss://redis.example.com:6380");

        assertThat(conf.getHostName()).isEqualTo("redis.example.com");
        assertThat(conf.getPort()).isEqualTo(6380);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "localhost:6379", "http://redis:6379", "redis://", "redis:// bad host",
            "redis://redis:6379/zero", "redis://redis:6379/0/1"})
    void should_reject_a_url_that_is_not_a_redis_url(String url) {
        assertThatThrownBy(() -> RedisConnection.standalone(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must");
    }

    @Test
    void should_not_show_the_password_when_rejecting_a_url() {
        assertThatThrownBy(() -> RedisConnection.standalone("redis://:s3cret@redis:6379/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "redis://:s3cret@redis:6379/0, redis://:***@redis:6379/0",
            "redis://alice:s3cret@redis:6379, redis://alice:***@redis:6379",
            "rediss://alice:s3cret@redis.example.com, rediss://alice:***@redis.example.com",
            "redis://redis:6379/0, redis://redis:6379/0"
    })
    void should_redact_the_password(String url, String redacted) {
        assertThat(RedisConnection.redact(url)).isEqualTo(redacted);
    }

    @Test
    void should_keep_a_plus_sign_in_the_password() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://:abc+def@redis:6379");

        assertThat(conf.getPassword().get()).isEqualTo("abc+def".toCharArray());
    }

    @Test
    void should_redact_a_password_given_without_a_colon() {
        String url = "redis://s3cret@redis:6379";
        assertThat(RedisConnection.standalone(url).getPassword().get()).isEqualTo("s3cret".toCharArray());

        assertThat(RedisConnection.redact(url)).doesNotContain("s3cret");
    }

    @Test
    void should_accept_a_host_name_with_an_underscore() {
        RedisStandaloneConfiguration conf = RedisConnection.standalone("redis://mailer_redis:6380/2");

        assertThat(conf.getHostName()).isEqualTo("mailer_redis");
        assertThat(conf.getPort()).isEqualTo(6380);
        assertThat(conf.getDatabase()).isEqualTo(2);
    }
}
