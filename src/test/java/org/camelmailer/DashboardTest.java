package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.ServiceStatus;
import org.camelmailer.support.ChromiumPage;
import org.camelmailer.support.FaultySmtpServer;
import org.camelmailer.support.HeadlessChromium;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerEnv;
import org.camelmailer.support.RawHttp;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /dashboard in the real headless Chromium, clicked through the DevTools protocol, against the service on a real
 * redis-server and a real SMTP server: the key form, a sent task and its events, a dead letter re-driven to sent, a
 * suppression removed, a scheduled task cancelled, the worker route suspended and resumed, hostile text shown as
 * text; and the new /admin endpoints and the page's headers over plain HTTP.
 */
class DashboardTest {

    static final String KEY = "dashboard-test-key";
    /** The header the page itself sends. */
    static final String[] BEARER = {"Authorization", "Bearer " + KEY};

    static FaultySmtpServer smtp;
    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        smtp = new FaultySmtpServer();
        mailer = RunningMailer.onOwnRedis(new MailerEnv().smtp(smtp.port()).sender("mailer@corp.internal")
                .with("MAILER_API_KEY", KEY).toMap());
    }

    @AfterAll
    static void stop() throws Exception {
        mailer.close();
        smtp.close();
    }

    // --- in Chromium

    @Test
    void should_ask_for_the_key_before_any_request_and_load_without_a_console_line() {
        try (ChromiumPage page = browser()) {
            page.navigate(mailer.uri("/dashboard").toString());
            assertThat(page.evaluate("document.getElementById('key-form').hidden").asBoolean()).isFalse();
            assertThat(page.evaluate("document.getElementById('panels').hidden").asBoolean()).isTrue();
            // nothing asked of /admin yet: no 401 in the console
            assertThat(page.evaluate("performance.getEntriesByType('resource').map(r => r.name).join(' ')").asText())
                    .doesNotContain("/admin/");
            connect(page);
            assertThat(page.evaluate("document.getElementById('key-form').hidden").asBoolean()).isTrue();
            assertThat(page.evaluate("document.getElementById('key').value").asText()).isEmpty();
            assertThat(page.evaluate("JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}) "
                    + "+ document.cookie + location.href").asText()).doesNotContain(KEY);
            assertThat(page.text("#queues")).contains("plain", "enhance", "scheduled", "delayed", "inflight", "dead");
            assertThat(page.evaluate("document.querySelectorAll('#chart rect').length").asInt()).isEqualTo(120);
            assertThat(page.problems()).isEmpty();
        }
    }

    @Test
    void should_ask_again_for_a_wrong_key() {
        try (ChromiumPage page = browser()) {
            page.navigate(mailer.uri("/dashboard").toString());
            page.type("#key", "not-the-key");
            page.click("#key-form button");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !page.evaluate("document.getElementById('key-form').hidden").asBoolean());
            assertThat(page.text("#notice")).contains("refused");
        }
    }

    @Test
    void should_load_at_once_without_a_console_line_when_no_key_is_set() throws Exception {
        try (ChromiumPage page = browser(); RunningMailer open = RunningMailer.onOwnRedis(Map.of())) {
            page.navigate(open.uri("/dashboard").toString());
            waitFor(page, "document.querySelectorAll('#route-rows tr').length > 0"
                    + " && document.querySelectorAll('#queues div').length > 0");
            assertThat(page.evaluate("document.getElementById('key-form').hidden").asBoolean()).isTrue();
            assertThat(page.problems()).isEmpty();
        }
    }

    @Test
    void should_show_a_task_just_sent_with_its_events() {
        String id = post(message("sent@example.org", "dash-sent"));
        mailer.awaitStatus(id, "sent", Duration.ofSeconds(15), BEARER);
        try (ChromiumPage page = dashboard()) {
            page.type("#filter-tag", "dash-sent");
            page.click("#filters button");
            openTask(page, id);
            waitFor(page, "document.querySelectorAll('#task-detail tr[data-event=sent]').length === 1");
            assertThat(page.text("#task-detail")).contains(id, "sent", "queued", "processing");
            assertThat(page.problems()).isEmpty();
        }
    }

    @Test
    void should_redrive_a_dead_letter_with_its_button_and_remove_the_suppression() {
        smtp.reply("bounce@example.org", 550, 1);
        String id = post(message("bounce@example.org", "dash-dead"));
        mailer.awaitStatus(id, "failed", Duration.ofSeconds(15), BEARER);
        try (ChromiumPage page = dashboard()) {
            String redrive = "button[data-action=redrive][data-id=" + ChromiumPage.quote(id) + "]";
            waitFor(page, "document.querySelector(" + ChromiumPage.quote(redrive) + ") !== null");
            page.click(redrive);
            mailer.awaitStatus(id, "sent", Duration.ofSeconds(15), BEARER);
            openTask(page, id);
            waitFor(page, "document.querySelectorAll('#task-detail tr[data-event=sent]').length === 1");
            assertThat(page.text("#task-detail")).contains("redriven");
            waitFor(page, "document.querySelector(" + ChromiumPage.quote(redrive) + ") === null");

            // the 550 put the address on the suppression list: its Remove button takes it off
            String remove = "button[data-action=unsuppress][data-id='bounce@example.org']";
            waitFor(page, "document.querySelector(" + ChromiumPage.quote(remove) + ") !== null");
            page.click(remove);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !authorized("GET", "/admin/suppressions").body().contains("bounce@example.org"));
            assertThat(page.problems()).isEmpty();
        }
        assertThat(smtp.deliveries()).anySatisfy(d -> assertThat(d.taskId()).isEqualTo(id));
    }

    @Test
    void should_cancel_a_scheduled_task_with_its_button() {
        Map<String, Object> later = message("later@example.org", "dash-later");
        later.put("send_at", Instant.now().plus(Duration.ofHours(1)).toString());
        String id = post(later);
        assertThat(status(id)).isEqualTo("scheduled");
        try (ChromiumPage page = dashboard()) {
            page.type("#filter-tag", "dash-later");
            page.click("#filters button");
            openTask(page, id);
            String cancel = "button[data-action=cancel][data-id=" + ChromiumPage.quote(id) + "]";
            waitFor(page, "document.querySelector(" + ChromiumPage.quote(cancel) + ") !== null");
            page.click(cancel);
            waitFor(page, "document.querySelectorAll('#task-detail tr[data-event=cancelled]').length === 1");
            assertThat(page.text("#task-detail")).contains("cancelled");
            assertThat(status(id)).isEqualTo("cancelled");
            // a cancelled task offers no Cancel button any more
            waitFor(page, "document.querySelector(" + ChromiumPage.quote(cancel) + ") === null");
            assertThat(page.problems()).isEmpty();
        }
    }

    @Test
    void should_suspend_and_resume_the_worker_route_with_its_buttons() {
        String waiting = null;
        try (ChromiumPage page = dashboard()) {
            String suspend = "button[data-action=suspend][data-id=worker-take-task]";
            String resume = "button[data-action=resume][data-id=worker-take-task]";
            waitFor(page, "document.querySelector(" + ChromiumPage.quote(suspend) + ") !== null");
            // the API's routes and the steps other routes call have no button
            assertThat(page.evaluate("document.querySelector('tr[data-route=api-accept-message] button')").isNull())
                    .isTrue();
            assertThat(page.evaluate("document.querySelector('tr[data-route=deliver-mail] button')").isNull()).isTrue();
            try {
                page.click(suspend);
                await().atMost(Duration.ofSeconds(10)).until(() -> routeStatus("worker-take-task") == ServiceStatus.Suspended);
                waitFor(page, "document.querySelector(" + ChromiumPage.quote(resume) + ") !== null");
                assertThat(page.text("tr[data-route=worker-take-task]")).contains("Suspended");
                // suspended, the worker takes nothing: a mail posted now waits, queued
                waiting = post(message("while-suspended@example.org", "dash-suspended"));
                String held = waiting;
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                        .until(() -> "queued".equals(status(held)));
                page.click(resume);
                await().atMost(Duration.ofSeconds(10)).until(() -> routeStatus("worker-take-task") == ServiceStatus.Started);
                waitFor(page, "document.querySelector(" + ChromiumPage.quote(suspend) + ") !== null");
            } finally {
                if (routeStatus("worker-take-task") != ServiceStatus.Started) {
                    authorized("POST", "/admin/routes/worker-take-task/resume");
                }
            }
            assertThat(page.problems()).isEmpty();
        }
        // resumed, the worker takes the mail that waited, and new mail
        mailer.awaitStatus(waiting, "sent", Duration.ofSeconds(15), BEARER);
        String id = post(message("after-resume@example.org", "dash-resume"));
        mailer.awaitStatus(id, "sent", Duration.ofSeconds(15), BEARER);
    }

    @Test
    void should_show_a_hostile_subject_tags_and_metadata_as_text() {
        String img = "<img src=x onerror=window.__xss=1>";
        String script = "<script>window.__xss=2</script>";
        Map<String, Object> hostile = message("xss@example.org", null);
        hostile.put("subject", img + script);
        hostile.put("tags", List.of(img, script));
        hostile.put("metadata", Map.of("note", "<img src=y onerror=window.__xss=3>"));
        String id = post(hostile);
        // sent: its subject recorded, not read from a queue entry that a worker may have just taken
        await().atMost(Duration.ofSeconds(15)).until(() -> "sent".equals(status(id)));
        try (ChromiumPage page = dashboard()) {
            page.type("#filter-recipient", "xss@example.org");
            page.click("#filters button");
            openTask(page, id);
            waitFor(page, "document.querySelectorAll('#task-detail tr[data-event]').length > 0");
            String row = "tr[data-task=" + ChromiumPage.quote(id) + "]";
            assertThat(page.text(row + " td.subject")).as("the subject, as text").isEqualTo(img + script);
            assertThat(page.text(row)).contains(img, script);
            assertThat(page.text("#task-detail")).contains(img + script, "<img src=y onerror=window.__xss=3>");
            assertThat(page.evaluate("typeof window.__xss").asText()).isEqualTo("undefined");
            assertThat(page.evaluate("document.querySelectorAll('img').length").asInt()).isZero();
            assertThat(page.evaluate("document.scripts.length").asInt()).isEqualTo(1);
            assertThat(page.problems()).isEmpty();
        }
    }

    /** Writes the README's picture when asked: {@code -Ddashboard.screenshot=docs/dashboard.png}. */
    @Test
    void should_take_the_readme_screenshot_when_asked() {
        String target = System.getProperty("dashboard.screenshot");
        Assumptions.assumeTrue(target != null, "-Ddashboard.screenshot=<file> writes the README's picture");
        for (int i = 0; i < 6; i++) {
            post(message("reader" + i + "@example.org", "newsletter"));
        }
        smtp.reply("gone@example.org", 550, 1);
        String dead = post(message("gone@example.org", "newsletter"));
        mailer.awaitStatus(dead, "failed", Duration.ofSeconds(15), BEARER);
        Map<String, Object> later = message("later@example.org", "reminder");
        later.put("send_at", Instant.now().plus(Duration.ofHours(2)).toString());
        post(later);
        try (ChromiumPage page = dashboard()) {
            openTask(page, dead);
            waitFor(page, "document.querySelectorAll('#task-detail tr[data-event=failed]').length === 1");
            page.screenshot(Path.of(target));
        }
    }

    // --- over HTTP

    @Test
    void should_serve_the_page_with_its_headers_and_no_inline_script() {
        for (String path : new String[] {"/dashboard", "/dashboard/", "/dashboard/dashboard.js", "/dashboard/dashboard.css",
                "/dashboard/favicon.svg"}) {
            HttpResponse<String> r = mailer.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("frame-ancestors 'none'", "script-src 'self'", "connect-src 'self'",
                    "default-src 'none'").doesNotContain("unsafe");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
        String html = mailer.get("/dashboard").body();
        assertThat(html).contains("data-api-key=\"required\"", "<script src=\"/dashboard/dashboard.js\" defer></script>")
                .doesNotContainPattern("(?i)<script>|\\son[a-z]+=|javascript:");
        assertThat(mailer.get("/dashboard/dashboard.js").body()).doesNotContain("innerHTML", "eval(", "localStorage",
                "console.log");
        assertThat(mailer.get("/dashboard/index.html").statusCode()).isEqualTo(404);
    }

    @Test
    void should_keep_the_host_check_and_cors_for_the_page() {
        int port = mailer.uri("/").getPort();
        assertThat(RawHttp.send(port, "GET", "/dashboard", "evil.example:" + port, null).status()).isEqualTo(421);
        HttpResponse<String> foreign = mailer.send(HttpRequest.newBuilder(mailer.uri("/dashboard/dashboard.js"))
                .header("Origin", "http://evil.example").GET().build());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("apiKey");
    }

    @Test
    void should_refuse_the_new_admin_endpoints_without_the_key() {
        for (String[] call : new String[][] {{"GET", "/admin/overview"}, {"GET", "/admin/routes"},
                {"POST", "/admin/routes/worker-take-task/suspend"}, {"POST", "/admin/routes/worker-take-task/resume"}}) {
            HttpResponse<String> r = mailer.send(HttpRequest.newBuilder(mailer.uri(call[1]))
                    .method(call[0], HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).as(call[1]).isEqualTo(401);
            assertThat(Json.parse(r.body())).as(call[1]).containsEntry("status", "error");
        }
        assertThat(routeStatus("worker-take-task")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    @SuppressWarnings("unchecked")
    void should_give_the_overview_from_the_queues_and_the_counts_per_minute() {
        String id = post(message("counted@example.org", "dash-count"));
        mailer.awaitStatus(id, "sent", Duration.ofSeconds(15), BEARER);
        Map<String, Object> o = Json.parse(authorized("GET", "/admin/overview").body());
        assertThat((Map<String, Object>) o.get("queues")).containsKeys("plain", "enhance", "scheduled", "delayed",
                "inflight", "dead", "webhooks");
        Map<String, Object> perMinute = (Map<String, Object>) o.get("per_minute");
        List<Integer> sent = (List<Integer>) perMinute.get("sent");
        assertThat(sent).hasSize(60);
        assertThat(sent.get(59) + sent.get(58)).isPositive();
        assertThat((List<Integer>) perMinute.get("failed")).hasSize(60);
        assertThat((Map<String, Object>) o.get("gemini")).containsOnlyKeys("html", "retry", "fallback");
        assertThat((Map<String, Object>) o.get("webhooks")).containsOnlyKeys("delivered", "retried", "dead_lettered");
    }

    @Test
    void should_refuse_unknown_routes_and_those_that_serve_the_api() {
        HttpResponse<String> unknown = authorized("POST", "/admin/routes/no-such-route/suspend");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body())).containsEntry("status", "error");
        for (String route : new String[] {"api-accept-message", "admin-suspend-route",
                "worker-handle-task", "deliver-mail"}) {
            HttpResponse<String> r = authorized("POST", "/admin/routes/" + route + "/suspend");
            assertThat(r.statusCode()).as(route).isEqualTo(409);
            assertThat((String) Json.parse(r.body()).get("message")).as(route).contains(route);
            assertThat(routeStatus(route)).as(route).isEqualTo(ServiceStatus.Started);
        }
        assertThat(authorized("GET", "/admin/routes").body()).contains("\"route_id\":\"worker-take-task\"");
    }

    // --- helpers

    /** The dashboard, connected with the key, its panels filled once. */
    static ChromiumPage dashboard() {
        ChromiumPage page = browser();
        page.navigate(mailer.uri("/dashboard").toString());
        connect(page);
        return page;
    }

    /** Chromium on a blank page, 1280 x 900 (the README's picture), or the test skipped without it. */
    static ChromiumPage browser() {
        Assumptions.assumeTrue(HeadlessChromium.available(),
                "no " + HeadlessChromium.BINARY + ": .ci/run should run `" + HeadlessChromium.INSTALL + "`");
        return ChromiumPage.open(1280, 900);
    }

    static void connect(ChromiumPage page) {
        page.type("#key", KEY);
        page.click("#key-form button");
        waitFor(page, "document.querySelectorAll('#route-rows tr').length > 0"
                + " && document.querySelectorAll('#queues div').length > 0");
    }

    static void openTask(ChromiumPage page, String id) {
        String open = "button[data-action=open-task][data-id=" + ChromiumPage.quote(id) + "]";
        waitFor(page, "document.querySelector(" + ChromiumPage.quote(open) + ") !== null");
        page.click(open);
        waitFor(page, "!document.getElementById('task-detail').hidden");
    }

    static void waitFor(ChromiumPage page, String condition) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> page.evaluate(condition).asBoolean());
    }

    static Map<String, Object> message(String to, String tag) {
        Map<String, Object> m = Json.object("to", to, "subject", "Tableau de bord", "text", "Bonjour");
        if (tag != null) {
            m.put("tags", List.of(tag));
        }
        return m;
    }

    static String post(Map<String, Object> message) {
        return mailer.accept(message, BEARER);
    }

    static String status(String id) {
        return (String) mailer.status(id, BEARER).get("status");
    }

    static HttpResponse<String> authorized(String method, String path) {
        return mailer.send(HttpRequest.newBuilder(mailer.uri(path)).header("Authorization", "Bearer " + KEY)
                .method(method, HttpRequest.BodyPublishers.ofString("", StandardCharsets.UTF_8)).build());
    }

    static ServiceStatus routeStatus(String routeId) {
        return mailer.context().getRouteController().getRouteStatus(routeId);
    }
}
