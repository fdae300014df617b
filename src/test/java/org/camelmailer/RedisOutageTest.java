package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redis goes away under the running service and comes back: 500 while it is gone, then 202 and delivery again. */
class RedisOutageTest {

    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.onOwnRedis(Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    static String body(String subject) {
        return Json.of(Map.of("destinataire", "alice@example.org", "sujet", subject, "message", "Bonjour"));
    }

    @Test
    void should_answer_500_while_redis_is_down_and_recover_by_itself() throws Exception {
        mailer.redisServer().stop();
        long started = System.nanoTime();
        HttpResponse<String> refused = mailer.postJson(body("pendant la panne"));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).isEqualTo("{\"status\":\"error\",\"message\":\"La demande n'a pas pu être mise en file "
                + "d'attente (file indisponible). Réessayez plus tard.\"}");
        assertThat(millis).as("answers without hanging").isLessThan(5_000);

        mailer.redisServer().start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> mailer.postJson(body("après la panne")).statusCode() == 202);

        // the worker took up again on its own: the accepted task reaches the outbox
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxContains("après la panne"));
        assertThat(outboxContains("pendant la panne")).as("the refused request was not half queued").isFalse();
    }

    static boolean outboxContains(String subject) throws Exception {
        try (var files = Files.list(mailer.outbox())) {
            return files.anyMatch(f -> {
                try {
                    return jakarta.mail.internet.MimeUtility.decodeText(Files.readString(f)).contains(subject);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
