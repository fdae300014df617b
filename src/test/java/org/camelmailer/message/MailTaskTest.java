package org.camelmailer.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A task's JSON in Redis: what a worker of the previous version wrote and reads must not change. */
class MailTaskTest {

    private final ObjectMapper json = new ObjectMapper();
    private final MailTask task = new MailTask("t1", "alice@example.com", "Réunion", "Bonjour", false, 2,
            "2026-11-28T08:00:00Z");

    @Test
    void should_write_an_ordinary_task_without_the_uncertain_mark() throws Exception {
        assertThat(json.writeValueAsString(task)).isEqualTo("{\"task_id\":\"t1\",\"destinataire\":\"alice@example.com\","
                + "\"sujet\":\"Réunion\",\"message\":\"Bonjour\",\"enhance_content\":false,\"attempt\":2,"
                + "\"created_at\":\"2026-11-28T08:00:00Z\"}");
    }

    @Test
    void should_keep_the_uncertain_mark_across_attempts() throws Exception {
        MailTask marked = json.readValue(json.writeValueAsString(task.nextAttempt().markedUncertain()), MailTask.class);

        assertThat(marked.uncertain()).isTrue();
        assertThat(marked.nextAttempt().uncertain()).isTrue();
        assertThat(marked.attempt()).isEqualTo(3);
        assertThat(json.readValue(json.writeValueAsString(task), MailTask.class)).isEqualTo(task);
    }

    @Test
    void should_read_a_field_a_later_version_adds() throws Exception {
        MailTask read = json.readValue("{\"task_id\":\"t1\",\"destinataire\":\"alice@example.com\",\"sujet\":\"Réunion\","
                + "\"message\":\"Bonjour\",\"enhance_content\":false,\"attempt\":2,\"created_at\":\"2026-11-28T08:00:00Z\","
                + "\"priority\":\"high\"}", MailTask.class);

        assertThat(read).isEqualTo(task);
    }
}
