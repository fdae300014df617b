package org.camelmailer.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelmailer.config.WebhookUrls;
import org.junit.jupiter.api.Test;

class WebhookJobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_make_one_job_per_url_for_a_wanted_event() throws Exception {
        WebhookJobs jobs = WebhookJobs.of("https://a.example/hook, https://b.example/hook?token=x", "sent,failed");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", "t-1");
        data.put("status", "sent");
        data.put("sequence", 5);

        List<String> made = jobs.jobs("sent", Instant.ofEpochSecond(1764567600), data);

        assertThat(made).hasSize(2);
        JsonNode first = JSON.readTree(made.get(0));
        JsonNode second = JSON.readTree(made.get(1));
        assertThat(first.path("url").intValue()).isZero();
        assertThat(second.path("url").intValue()).isEqualTo(1);
        assertThat(first.path("webhook_id").textValue()).startsWith("msg_")
                .isNotEqualTo(second.path("webhook_id").textValue());
        assertThat(first.path("type").textValue()).isEqualTo("message.sent");
        assertThat(first.path("timestamp").longValue()).isEqualTo(1764567600L);
        assertThat(first.path("data").toString()).isEqualTo("{\"task_id\":\"t-1\",\"status\":\"sent\",\"sequence\":5}");
        assertThat(first.path("attempt").intValue()).isZero();
        assertThat(Instant.parse(first.path("created_at").textValue())).isBeforeOrEqualTo(Instant.now());
        assertThat(jobs.jobs("queued", Instant.now(), data)).isEmpty();
        assertThat(jobs.wants("failed")).isTrue();
        assertThat(jobs.wants("queued")).isFalse();
    }

    @Test
    void should_make_none_without_a_url() {
        assertThat(WebhookJobs.of("", "sent").jobs("sent", Instant.now(), Map.of())).isEmpty();
        assertThat(WebhookJobs.none().wants("sent")).isFalse();
    }

    @Test
    void should_refuse_an_unknown_event_and_a_url_without_quoting_its_token() {
        assertThatThrownBy(() -> WebhookJobs.events("sent,delivered")).hasMessageContaining("'delivered'");
        assertThatThrownBy(() -> WebhookUrls.parse("ftp://user:pw@host/x?token=abc"))
                .hasMessageNotContaining("pw").hasMessageNotContaining("abc");
        assertThat(WebhookUrls.redact("https://u:pw@h.example:8443/p?token=abc")).isEqualTo("https://h.example:8443/p?…");
    }

    @Test
    void should_send_userinfo_as_basic_credentials_and_not_in_the_url() {
        WebhookUrls.Target t = WebhookUrls.parse("https://u:pw@h.example/p?k=v").get(0);

        assertThat(t.uri()).isEqualTo("https://h.example/p?k=v");
        assertThat(t.basicAuthorization()).isEqualTo("Basic dTpwdw==");
        assertThat(t.shown()).isEqualTo("https://h.example/p?…");
    }
}
