package org.camelmailer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** MAILER_WEBHOOK_*: checked at start, the URL's tokens and the secret never shown. */
class WebhookSettingsTest {

    @Test
    void should_refuse_a_webhook_url_without_a_secret() {
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_WEBHOOK_URL", "https://hooks.example/in?token=tok-123")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MAILER_WEBHOOK_SECRET").hasMessageNotContaining("tok-123");
    }

    @Test
    void should_refuse_bad_values_without_quoting_tokens_or_the_secret() {
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_WEBHOOK_URL", "ftp://u:pw-9@h.example/x?token=tok-123",
                "MAILER_WEBHOOK_SECRET", "whsec_%%%secret-7%%%", "MAILER_WEBHOOK_EVENTS", "sent,opened",
                "MAILER_WEBHOOK_TIMEOUT", "10ms", "MAILER_WEBHOOK_CONCURRENCY", "0")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(5);
                    assertThat(String.join("\n", e.problems())).contains("'opened'")
                            .doesNotContain("tok-123", "pw-9", "secret-7");
                });
    }

    @Test
    void should_keep_url_and_secret_out_of_the_camel_properties() {
        Settings s = Settings.of(Map.of("MAILER_WEBHOOK_URL", "https://hooks.example/in?token=tok-123",
                "MAILER_WEBHOOK_SECRET", "plain-secret-42"));

        assertThat(s.toCamelProperties().values()).noneMatch(v -> v.toString().contains("tok-123")
                || v.toString().contains("plain-secret-42"));
        assertThat(s.get(Setting.MAILER_WEBHOOK_EVENTS)).isEqualTo("sent,failed");
        assertThat(s.getDuration(Setting.MAILER_WEBHOOK_MAX_AGE).toHours()).isEqualTo(24);
    }

    @Test
    void should_leave_the_webhook_routes_to_delivering_roles_with_a_url() {
        assertThat(Role.API.excludedRoutes(true)).contains("webhooks.camel.yaml");
        assertThat(Role.WORKER.excludedRoutes(true)).doesNotContain("webhooks.camel.yaml");
        assertThat(Role.ALL.excludedRoutes(true)).isEmpty();
        assertThat(Role.ALL.excludedRoutes(false)).isEqualTo("file:routes/webhooks.camel.yaml");
    }
}
