package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.RedisServerExtension;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The message API through the running service to a real SMTP server (SubEthaSMTP), the delivered MIME parsed:
 * recipients with their envelope, HTML, attachments, inline images, the client's headers; and each refusal.
 */
class MessageApiTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static FaultySmtpServer smtp;
    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        smtp = new FaultySmtpServer();
        mailer = RunningMailer.start(new MailerEnv().redis(redis.url()).smtp(smtp.port())
                .sender("Mailer <mailer@corp.internal>")
                .with("MAILER_ALLOWED_SENDERS", "ventes@corp.internal, Support <support@corp.internal>")
                .with("MAILER_MAX_RECIPIENTS", "5")
                .with("MAILER_MAX_MESSAGE_SIZE", "400000")
                .with("MAILER_MAX_BODY_SIZE", "8192")
                .with("MAILER_LARGE_MESSAGES", "1").toMap());
    }

    @AfterAll
    static void stop() throws Exception {
        mailer.close();
        smtp.close();
    }

    /** Received by the SMTP server, then told sent at GET /message/{id}. */
    private static FaultySmtpServer.Delivery delivered(String taskId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> smtp.deliveries().stream()
                .anyMatch(d -> d.taskId().equals(taskId)));
        mailer.awaitStatus(taskId, "sent", Duration.ofSeconds(10));
        return smtp.deliveries().stream().filter(d -> d.taskId().equals(taskId)).findFirst().orElseThrow();
    }

    @Test
    void should_send_to_every_recipient_with_bcc_in_the_envelope_only() throws Exception {
        String id = mailer.accept(Json.object(
                "to", List.of("Alice Martin <alice@example.test>", "bob@corp.internal"),
                "cc", "Zoé Dupont <zoe@xn--mller-kva.example>",
                "bcc", List.of("audit@localhost"),
                "reply_to", "Équipe Support <support@corp.internal>",
                "from", "Service Ventes <ventes@corp.internal>",
                "subject", "Offre d'été",
                "text", "Bonjour à tous",
                "headers", Map.of("X-Campaign", "été-2026", "List-Unsubscribe", "<mailto:unsub@corp.internal>",
                        "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                "tags", List.of("promo", "été"),
                "metadata", Map.of("client", "42", "source", "crm")));

        FaultySmtpServer.Delivery delivery = delivered(id);
        MimeMessage mail = delivery.parsed();

        assertThat(delivery.recipients()).containsExactly("alice@example.test", "bob@corp.internal",
                "zoe@xn--mller-kva.example", "audit@localhost");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(new String(delivery.raw(), "ISO-8859-1")).doesNotContain("audit@localhost");
        assertThat(mail.getRecipients(MimeMessage.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getPersonal())
                .containsExactly("Alice Martin", null);
        assertThat(((InternetAddress) mail.getRecipients(MimeMessage.RecipientType.CC)[0]).getPersonal())
                .isEqualTo("Zoé Dupont");
        assertThat(mail.getHeader("Cc")[0]).contains("=?UTF-8?").doesNotContain("Zoé");
        assertThat(((InternetAddress) mail.getReplyTo()[0]).getAddress()).isEqualTo("support@corp.internal");
        assertThat(((InternetAddress) mail.getReplyTo()[0]).getPersonal()).isEqualTo("Équipe Support");
        assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("ventes@corp.internal");
        assertThat(((InternetAddress) mail.getFrom()[0]).getPersonal()).isEqualTo("Service Ventes");
        assertThat(mail.getSubject()).isEqualTo("Offre d'été");
        assertThat(MimeUtility.decodeText(mail.getHeader("X-Campaign")[0])).isEqualTo("été-2026");
        assertThat(mail.getHeader("List-Unsubscribe")).containsExactly("<mailto:unsub@corp.internal>");
        assertThat(mail.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");

        Map<String, Object> status = mailer.status(id);
        assertThat(status).containsEntry("recipients", 4).containsEntry("tags", List.of("promo", "été"))
                .containsEntry("metadata", Map.of("client", "42", "source", "crm"));
    }

    @Test
    void should_send_html_with_its_text_or_one_derived_from_it() throws Exception {
        String both = mailer.accept(Json.object("to", "alice@example.org", "subject", "Deux", "text", "Texte à moi",
                "html", "<p>Le <b>HTML</b></p>"));
        String htmlOnly = mailer.accept(Json.object("destinataire", "alice@example.org", "sujet", "Seul",
                "html", "<h1>Titre</h1><p>Voir <a href=\"https://example.org/x\">le site</a> &amp; co</p>"
                        + "<ul><li>un</li><li>deux</li></ul><script>alert(1)</script>"));

        MimeMessage first = delivered(both).parsed();
        assertThat(first.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) first.getContent();
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Texte à moi");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(parts.getBodyPart(1).getContent()).isEqualTo("<p>Le <b>HTML</b></p>");

        Multipart derived = (Multipart) delivered(htmlOnly).parsed().getContent();
        assertThat(((String) derived.getBodyPart(0).getContent()).replace("\r\n", "\n"))
                .isEqualTo("Titre\n\nVoir le site (https://example.org/x) & co\n\n- un\n- deux");
    }

    @Test
    void should_attach_files_byte_for_byte_and_inline_images_in_a_related_part() throws Exception {
        byte[] pdf = new byte[300_000];
        new Random(7).nextBytes(pdf);
        byte[] png = new byte[2_000];
        new Random(8).nextBytes(png);
        String b64 = Base64.getMimeEncoder().encodeToString(pdf); // line-wrapped, as the base64 tool writes it
        String id = mailer.accept(Json.object("to", "alice@example.org", "subject", "Rapport", "text", "Ci-joint",
                "html", "<p>Logo : <img src=\"cid:logo\"></p>",
                "attachments", List.of(
                        Map.of("filename", "../../etc/rapport d'été.pdf", "content", b64),
                        Map.of("filename", "logo.png", "content", Base64.getEncoder().encodeToString(png),
                                "content_id", "logo"))));

        MimeMessage mail = delivered(id).parsed();
        assertThat(mail.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) mail.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("multipart/related");
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        BodyPart logo = related.getBodyPart(1);
        assertThat(logo.getContentType()).startsWith("image/png");
        assertThat(logo.getHeader("Content-ID")).containsExactly("<logo>");
        assertThat(logo.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(bytes(logo)).isEqualTo(png);

        BodyPart attachment = mixed.getBodyPart(1);
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(attachment.getContentType()).startsWith("application/pdf");
        assertThat(MimeUtility.decodeText(attachment.getFileName())).isEqualTo("rapport d'été.pdf");
        assertThat(String.join("", attachment.getHeader("Content-Disposition"))).contains("filename*=");
        assertThat(bytes(attachment)).isEqualTo(pdf);
        // the content waited beside the queue entry, and is gone once the task is sent
        await().atMost(Duration.ofSeconds(5)).until(() -> !redis.redis().hasKey("mailer:content:" + id));
    }

    @Test
    void should_render_a_template_at_accept_time_escaping_html_only() throws Exception {
        String id = mailer.accept(Json.object("to", "Zoé <zoe@example.org>", "template", "welcome",
                "variables", Map.of("name", "Zoé <b>", "product", "Acme & Co",
                        "features", List.of(Map.of("title", "Envoi rapide")))));
        String overridden = mailer.accept(Json.object("to", "zoe@example.org", "template", "welcome",
                "subject", "À vous", "variables", Map.of("name", "Zoé", "product", "Acme")));

        MimeMessage mail = delivered(id).parsed();
        assertThat(mail.getSubject()).isEqualTo("Bienvenue sur Acme & Co, Zoé <b> !");
        Multipart parts = (Multipart) mail.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("Bonjour Zoé <b>,").contains("- Envoi rapide")
                .contains("Votre compte Acme & Co est prêt.");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("Bonjour Zoé &lt;b&gt;,")
                .contains("<strong>Acme &amp; Co</strong>").contains("Envoi rapide");
        assertThat(delivered(overridden).parsed().getSubject()).isEqualTo("À vous");
        assertThat(mailer.status(id)).containsEntry("recipients", 1);
    }

    @Test
    void should_refuse_a_template_it_cannot_render_when_the_message_is_accepted() {
        Object[][] cases = {
                {Json.object("to", "a@example.org", "template", "nowhere"), 404, "'nowhere'"},
                {Json.object("to", "a@example.org", "template", "../routes"), 400, "modèle"},
                {Json.object("to", "a@example.org", "template", "welcome", "variables", Map.of("name", "A")), 422,
                        "'product'"},
                {Json.object("to", "a@example.org", "template", "welcome", "variables", List.of()), 400, "'variables'"},
                {Json.object("to", "a@example.org", "subject", "s", "text", "t", "variables", Map.of()), 400,
                        "'template'"},
                {Json.object("to", "a@example.org", "template", 7), 400, "'template'"},
        };
        for (Object[] c : cases) {
            var r = mailer.postJson(Json.of(c[0]));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(c[1]);
            assertThat((String) Json.parse(r.body()).get("message")).as(r.body()).contains((String) c[2]);
        }
    }

    /**
     * MAILER_LARGE_MESSAGES=1: while one large body is being received, a second gets 503 with Retry-After before its
     * body is read, a small message still goes through, and once the first is done the second is taken.
     */
    @Test
    void should_take_one_large_message_at_a_time_and_small_ones_meanwhile() throws Exception {
        String attachment = Base64.getEncoder().encodeToString(new byte[15_000]);
        String large = Json.of(Json.object("to", "alice@example.org", "subject", "Grand", "text", "x",
                "attachments", List.of(Map.of("filename", "a.bin", "content", attachment))));
        try (java.net.Socket slow = new java.net.Socket("127.0.0.1", mailer.uri("/").getPort())) {
            // headers and the start of a large body: the server holds a turn while it waits for the rest
            slow.getOutputStream().write(("POST /message HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 100000\r\n\r\n{\"to\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> mailer.postJson(large).statusCode() == 503);
            var busy = mailer.postJson(large);
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
            assertThat((String) Json.parse(busy.body()).get("message")).contains("volumineux");
            mailer.accept(Json.object("to", "alice@example.org", "subject", "Petit", "text", "pendant ce temps"));
        }
        // the slow client went away: its turn is given back
        await().atMost(Duration.ofSeconds(5)).until(() -> mailer.postJson(large).statusCode() == 202);
    }

    /** What happened to a mail, and finding it again: events and search through the HTTP API. */
    @Test
    void should_show_a_sent_mail_events_and_find_it_by_tag_recipient_and_status() {
        String tag = "suivi-" + System.nanoTime();
        String id = mailer.accept(Json.object("to", "Suivi <suivi@example.org>", "subject", "Suivi", "text", "x",
                "tags", List.of(tag)));
        delivered(id);
        String other = mailer.accept(Json.object("to", "autre@example.org", "subject", "Autre", "text", "x",
                "tags", List.of(tag)));
        delivered(other);

        Map<String, Object> history = Json.parse(mailer.get("/message/" + id + "/events").body());
        assertThat(history).containsEntry("task_id", id);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) history.get("events");
        assertThat(events).extracting(e -> e.get("event")).containsExactly("queued", "processing", "sent");
        assertThat(events.get(2)).containsEntry("attempt", 1).containsKey("at")
                .containsEntry("message_id", "<" + id + "@corp.internal>");
        assertThat((String) events.get(2).get("smtp_reply")).startsWith("250");

        assertThat(found("/messages?tag=" + tag)).containsExactly(other, id);
        assertThat(found("/messages?tag=" + tag + "&recipient=SUIVI@example.org")).containsExactly(id);
        assertThat(found("/messages?tag=" + tag + "&status=sent&limit=1")).containsExactly(other);
        assertThat(found("/messages?tag=" + tag + "&status=failed")).isEmpty();
        Map<String, Object> page = Json.parse(mailer.get("/messages?tag=" + tag + "&limit=1").body());
        assertThat(found("/messages?tag=" + tag + "&limit=1&cursor=" + page.get("next_cursor"))).containsExactly(id);
        assertThat(found("/messages?tag=" + tag + "&since=2000-01-01T00:00:00Z&until=" + (System.currentTimeMillis() / 1000 + 60)))
                .containsExactly(other, id);

        for (String bad : List.of("status=lost", "limit=0", "limit=501", "limit=x", "since=hier", "cursor=abc",
                "since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z")) {
            var r = mailer.get("/messages?" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat((String) Json.parse(r.body()).get("message")).as(bad).contains("paramètre");
        }
        assertThat(mailer.get("/message/no-such-task/events").statusCode()).isEqualTo(404);
    }

    @SuppressWarnings("unchecked")
    private static List<String> found(String path) {
        var r = mailer.get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ((List<Map<String, Object>>) Json.parse(r.body()).get("messages")).stream()
                .map(m -> (String) m.get("task_id")).toList();
    }

    private static byte[] bytes(Part part) throws Exception {
        try (InputStream in = part.getInputStream(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    @Test
    void should_refuse_each_bad_message_with_a_json_error_and_queue_nothing() {
        String tooBig = Base64.getEncoder().encodeToString(new byte[400_001]);
        List<Object[]> cases = new ArrayList<>(List.of(
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "headers", Map.of("Received", "forged")), 400, "Received"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "headers", Map.of("Bcc", "x@example.org")), 400, "Bcc"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "from", "boss@corp.internal"), 403, "'from'"},
                new Object[] {Json.object("to", List.of("a@x.org", "b@x.org", "c@x.org"),
                        "cc", List.of("d@x.org", "e@x.org"),
                        "bcc", "f@x.org", "subject", "s", "text", "t"), 400, "6"},
                new Object[] {Json.object("to", List.of(), "subject", "s", "text", "t"), 400, "'to'"},
                new Object[] {Json.object("to", "a@example.org", "cc", List.of("ok@example.org", "pas une adresse"),
                        "subject", "s", "text", "t"), 400, "cc[1]"},
                new Object[] {Json.object("destinataire", "a@example.org", "to", "b@example.org", "subject", "s",
                        "text", "t"), 400, "'destinataire' et 'to'"},
                new Object[] {Json.object("to", "a@example.org", "sujet", "s", "subject", "s", "text", "t"), 400,
                        "'sujet' et 'subject'"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "html", "<p>x</p>",
                        "enhance_content", true), 400, "'html'"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "attachments", List.of(Map.of("filename", "a.bin", "content", "pas du base64!"))), 400,
                        "attachments[0].content"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "attachments", List.of(Map.of("filename", "a.bin", "content", tooBig))), 413,
                        "MAILER_MAX_MESSAGE_SIZE"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "x".repeat(9000)), 413,
                        "taille maximale"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "tags", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")), 400, "'tags'"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s", "text", "t",
                        "metadata", Map.of("n", 42)), 400, "metadata.n"},
                new Object[] {Json.object("to", "a@example.org", "subject", "s"), 400, "'message'"}));
        Long queuedBefore = redis.redis().opsForList().size("mailer:queue");
        for (Object[] c : cases) {
            var r = mailer.postJson(Json.of(c[0]));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(c[1]);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
            Map<String, Object> body = Json.parse(r.body());
            assertThat(body.get("status")).isEqualTo("error");
            assertThat((String) body.get("message")).as(r.body()).contains((String) c[2]);
        }
        assertThat(redis.redis().opsForList().size("mailer:queue")).isEqualTo(queuedBefore);
        assertThat(redis.redis().keys("mailer:content:*")).isEmpty();
    }
}
