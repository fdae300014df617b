package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.Json;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisSentinel;

/** The service finds its Redis master through a real Redis Sentinel process. */
class RedisSentinelTest {

    @Test
    void should_queue_and_deliver_through_a_master_found_by_sentinel() throws Exception {
        try (RedisServerProcess master = new RedisServerProcess()) {
            int sentinelPort = FreePort.find();
            RedisSentinel sentinel = RedisSentinel.newRedisSentinel().bind("127.0.0.1").port(sentinelPort)
                    .masterName("mailer-master").masterPort(master.port()).quorumSize(1).build();
            sentinel.start();
            try (RunningMailer mailer = RunningMailer.start(Map.of("REDIS_SENTINEL_MASTER", "mailer-master",
                    "REDIS_SENTINELS", "127.0.0.1:" + sentinelPort))) {
                var r = mailer.postJson(Json.of(Map.of("destinataire", "alice@example.org", "sujet", "Sentinel",
                        "message", "Bonjour")));
                assertThat(r.statusCode()).isEqualTo(202);
                String taskId = (String) Json.parse(r.body()).get("task_id");

                await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(mailer.outbox().resolve(taskId + ".eml")));
                assertThat(master.redis().opsForHash().get("mailer:task:" + taskId, "status")).isEqualTo("sent");
            } finally {
                sentinel.stop();
            }
        }
    }
}
