package org.camelmailer.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.camelmailer.message.InvalidAddressException;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.support.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The suppression list against a real redis-server process. */
class SuppressionListTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    MailerMetrics metrics;
    SuppressionList list;

    @BeforeEach
    void emptyList() {
        metrics = MailerMetrics.none();
        list = new SuppressionList(REDIS.redis(), metrics);
    }

    double added() {
        return metrics.registry().get("mailer.suppressions.added").counter().count();
    }

    @Test
    void should_store_an_entry_under_the_lower_case_address_without_expiry() {
        Instant before = Instant.now();
        Map<String, Object> entry = list.add("Alice <Alice@Example.ORG>", "550 5.1.1 user unknown", "t-1");

        assertThat(entry).containsExactly(Map.entry("email", "alice@example.org"),
                Map.entry("reason", "550 5.1.1 user unknown"), Map.entry("task_id", "t-1"), entry("at", entry.get("at")));
        assertThat(Instant.parse((String) entry.get("at"))).isBetween(before, Instant.now());
        assertThat(REDIS.redis().<String, String>opsForHash().keys(SuppressionList.KEY)).containsExactly("alice@example.org");
        assertThat(REDIS.redis().<String, String>opsForHash().get(SuppressionList.KEY, "alice@example.org"))
                .startsWith("{\"email\":\"alice@example.org\",\"reason\":\"550 5.1.1 user unknown\",\"task_id\":\"t-1\",\"at\":\"");
        assertThat(REDIS.redis().getExpire(SuppressionList.KEY)).as("no TTL").isEqualTo(-1L);
    }

    private static Map.Entry<String, Object> entry(String key, Object value) {
        return Map.entry(key, value);
    }

    @Test
    void should_answer_which_addresses_are_suppressed_as_they_were_given() {
        list.add("bob@example.org", "550", "t-1");
        list.add("carl@example.org", "added by an operator", null);

        assertThat(list.suppressed(List.of("Alice <alice@example.org>", "Bob Martin <BOB@example.org>",
                "carl@EXAMPLE.org", "dave@example.org")))
                .containsExactly("Bob Martin <BOB@example.org>", "carl@EXAMPLE.org");
        assertThat(list.suppressed(List.of())).isEmpty();
        assertThat(list.suppressed(List.of("not an address"))).isEmpty();
    }

    @Test
    void should_replace_an_entry_added_again_and_count_each_address_once() {
        list.add("bob@example.org", "550 first", "t-1");
        list.add("Bob <bob@example.org>", "550 second", "t-2");
        list.add("carl@example.org", "added by an operator", null);

        assertThat(list.list()).hasSize(2).first().satisfies(e -> assertThat(e)
                .containsEntry("email", "bob@example.org").containsEntry("reason", "550 second")
                .containsEntry("task_id", "t-2"));
        assertThat(added()).isEqualTo(2.0);
    }

    @Test
    void should_list_sorted_by_address_and_remove_by_address_part() {
        list.add("zoe@example.org", "550", "t-1");
        list.add("alice@example.org", "550", "t-2");
        list.add("mia@example.org", "added by an operator", null);
        REDIS.redis().opsForHash().put(SuppressionList.KEY, "hand@example.org", "written by hand");

        assertThat(list.list()).extracting(e -> e.get("email"))
                .containsExactly("alice@example.org", "hand@example.org", "mia@example.org", "zoe@example.org");
        assertThat(list.list().get(1)).containsEntry("task_id", null).containsKey("reason");

        assertThat(list.remove("Zoé <ZOE@example.org>")).isTrue();
        assertThat(list.remove("zoe@example.org")).isFalse();
        assertThat(list.suppressed(List.of("zoe@example.org"))).isEmpty();
        assertThatThrownBy(() -> list.remove("not an address")).isInstanceOf(InvalidAddressException.class);
        assertThatThrownBy(() -> list.add("a@b@c", "x", null)).isInstanceOf(InvalidAddressException.class);
    }
}
