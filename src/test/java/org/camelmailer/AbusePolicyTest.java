package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recipient allow-list and the per-client rate limit, through the running service. */
class AbusePolicyTest {

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.onOwnRedis(Map.of(
                "MAILER_ALLOWED_RECIPIENT_DOMAINS", "example.org, partner.org,,example.org", "MAILER_RATE_LIMIT", "5/1m"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    static HttpResponse<String> post(String to) {
        return mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", "Politique", "message", "Bonjour")));
    }

    @Test
    void should_apply_the_allow_list_then_the_rate_limit() {
        assertThat(post("alice@example.org").statusCode()).isEqualTo(202);
        assertThat(post("bob@mail.partner.org").statusCode()).as("a subdomain of a listed domain").isEqualTo(202);

        HttpResponse<String> forbidden = post("eve@evil.org");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).isEqualTo("{\"status\":\"error\",\"message\":\"Ce domaine de destinataire n'est pas autorisé.\"}");
        assertThat(mailer.redis().keys("mailer:task:*")).filteredOn(k -> !k.endsWith(":events")).hasSize(2);

        assertThat(post("carol@example.org").statusCode()).isEqualTo(202);
        assertThat(post("dave@example.org").statusCode()).isEqualTo(202);
        HttpResponse<String> limited = post("erin@example.org");
        assertThat(limited.statusCode()).as("the 6th request within the minute").isEqualTo(429);
        assertThat(Json.parse(limited.body())).containsEntry("status", "error");
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        assertThat(mailer.redis().keys("mailer:task:*")).filteredOn(k -> !k.endsWith(":events")).hasSize(4);
    }
}
