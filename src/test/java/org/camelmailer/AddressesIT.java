package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/** Addresses the Flask mailer sent to and a TLD list refused, through the packaged jar to a real SMTP server. */
class AddressesIT {

    @Test
    void should_mail_special_use_private_and_single_label_domains_and_refuse_what_is_not_one_address() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess(); FaultySmtpServer smtp = new FaultySmtpServer();
             MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), new MailerEnv()
                     .redis(redis.url()).freeHttpPort().smtp(smtp.port())
                     .sender("Équipe Mailer <mailer@corp.internal>").toMap())) {
            // what a recipient types -> the address the SMTP server must see in RCPT TO
            Map<String, String> valid = new LinkedHashMap<>();
            valid.put("qa@example.test", "qa@example.test");
            valid.put("ops@corp.internal", "ops@corp.internal");
            valid.put("dev@printer.lan", "dev@printer.lan");
            valid.put("root@localhost", "root@localhost");
            valid.put("Alice Martin <alice+news@home.arpa>", "alice+news@home.arpa");
            valid.put("Zoë <zoe@müller.example>", "zoe@xn--mller-kva.example");
            Map<String, String> taskIds = new LinkedHashMap<>();
            for (String to : valid.keySet()) {
                var r = mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", "s", "message", "m")));
                assertThat(r.statusCode()).as(to + ": " + r.body()).isEqualTo(202);
                taskIds.put(to, (String) Json.parse(r.body()).get("task_id"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> smtp.countsByTaskId().keySet().containsAll(taskIds.values()));
            for (FaultySmtpServer.Delivery d : smtp.deliveries()) {
                String to = taskIds.entrySet().stream().filter(e -> e.getValue().equals(d.taskId())).findFirst()
                        .orElseThrow().getKey();
                assertThat(d.recipients()).as(to).containsExactly(valid.get(to));
            }

            for (String refused : List.of("a@example.org, b@example.org", "josé@example.org", "alice@", "@example.org",
                    "alice..martin@example.org", "alice@exa mple.org")) {
                var r = mailer.postJson(Json.of(Map.of("destinataire", refused, "sujet", "s", "message", "m")));
                assertThat(r.statusCode()).as(refused).isEqualTo(400);
                assertThat((String) Json.parse(r.body()).get("message")).as(refused)
                        .startsWith("Le champ 'destinataire' doit être une seule adresse e-mail valide : ");
            }
            var nonAscii = mailer.postJson(Json.of(Map.of("destinataire", "josé@example.org", "sujet", "s", "message", "m")));
            assertThat((String) Json.parse(nonAscii.body()).get("message")).contains("SMTPUTF8");
        }
    }
}
