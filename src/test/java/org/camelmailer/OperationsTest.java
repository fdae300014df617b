package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.camelmailer.support.TlsSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health, metrics, the API key and the dead-letter admin endpoints of the running service. */
class OperationsTest {

    static final String API_KEY = "ops-test-key-42";
    static final Set<String> REJECTED = ConcurrentHashMap.newKeySet();

    static TlsSmtpServer smtp;
    static RunningMailer mailer;

    @BeforeAll
    static void start() {
        smtp = new TlsSmtpServer("mailer", "s3cret", REJECTED);
        mailer = RunningMailer.onOwnRedis(Map.of("MAILER_API_KEY", API_KEY,
                "SMTP_SERVER", "localhost", "SMTP_PORT", Integer.toString(smtp.port()), "SMTP_SSL_TRUST", "*",
                "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
        smtp.close();
    }

    static HttpResponse<String> post(String to, String... headers) {
        return mailer.postJson(Json.of(Map.of("destinataire", to, "sujet", "Ops", "message", "Bonjour")), headers);
    }

    static HttpResponse<String> authorized(String method, String path) {
        return mailer.send(HttpRequest.newBuilder(mailer.uri(path)).header("Authorization", "Bearer " + API_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void should_refuse_requests_without_the_api_key() {
        HttpResponse<String> r = post("alice@example.org");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Json.parse(r.body())).containsEntry("status", "error");
        assertThat(post("alice@example.org", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(mailer.get("/message/whatever").statusCode()).isEqualTo(401);
        assertThat(mailer.get("/admin/dead-letters").statusCode()).isEqualTo(401);
        assertThat(mailer.get("/").statusCode()).as("the health answer stays open").isEqualTo(200);
    }

    @Test
    void should_accept_the_key_as_bearer_or_x_api_key() {
        assertThat(post("alice@example.org", "Authorization", "Bearer " + API_KEY).statusCode()).isEqualTo(202);
        assertThat(post("alice@example.org", "X-API-Key", API_KEY).statusCode()).isEqualTo(202);
    }

    @Test
    void should_report_readiness_with_the_custom_checks() {
        HttpResponse<String> r = mailer.get("/observe/health/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\":\"UP\"").contains("redis").contains("smtp");
    }

    @Test
    void should_serve_prometheus_metrics_with_the_services_own_meters() {
        String taskId = (String) Json.parse(post("bob@example.org", "X-API-Key", API_KEY).body()).get("task_id");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                "sent".equals(Json.parse(authorized("GET", "/message/" + taskId).body()).get("status")));

        HttpResponse<String> r = mailer.get("/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("mailer_tasks_accepted_total")
                .contains("mailer_tasks_sent_total")
                .contains("mailer_smtp_replies_total{class=\"2xx\"")
                .contains("mailer_queue_depth")
                .contains("routeId=\"worker-take-task\"");
        assertThat(r.body()).doesNotContain(API_KEY).doesNotContain("s3cret");
    }

    @Test
    void should_dead_letter_a_rejected_task_and_redrive_it() {
        REJECTED.add("later@example.org");
        String taskId = (String) Json.parse(post("later@example.org", "X-API-Key", API_KEY).body()).get("task_id");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                "failed".equals(Json.parse(authorized("GET", "/message/" + taskId).body()).get("status")));

        HttpResponse<String> list = authorized("GET", "/admin/dead-letters");
        assertThat(list.statusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> dead = (List<Map<String, Object>>) Json.parse(list.body()).get("dead_letters");
        assertThat(dead).anySatisfy(d -> {
            assertThat(d).containsEntry("task_id", taskId);
            assertThat((String) d.get("error")).startsWith("550");
        });

        REJECTED.remove("later@example.org");
        HttpResponse<String> redrive = authorized("POST", "/admin/dead-letters/" + taskId + "/redrive");
        assertThat(redrive.statusCode()).isEqualTo(200);
        assertThat(Json.parse(redrive.body())).containsEntry("redriven", List.of(taskId));
        await().atMost(Duration.ofSeconds(15)).until(() ->
                "sent".equals(Json.parse(authorized("GET", "/message/" + taskId).body()).get("status")));
        assertThat(smtp.received()).anySatisfy(m -> assertThat(m.recipients()).contains("later@example.org"));
        assertThat(authorized("POST", "/admin/dead-letters/" + taskId + "/redrive").statusCode()).isEqualTo(404);
    }

    @Test
    void should_stay_ready_while_an_operator_has_suspended_deliveries() throws Exception {
        var routes = mailer.context().getRouteController();
        routes.suspendRoute("worker-take-task");
        routes.suspendRoute("worker-take-enhanced-task");
        try {
            HttpResponse<String> ready = mailer.get("/observe/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).startsWith("{\"status\":\"UP\"").contains("{\"name\":\"worker\",\"status\":\"UP\"")
                    .doesNotContain("route:worker-take-task");
            assertThat(mailer.get("/observe/health/ready?data=true").body())
                    .contains("\"paused\":\"worker-take-task,worker-take-enhanced-task\"");
            // and the API still takes mail meanwhile
            assertThat(post("alice@example.org", "X-API-Key", API_KEY).statusCode()).isEqualTo(202);
        } finally {
            routes.resumeRoute("worker-take-task");
            routes.resumeRoute("worker-take-enhanced-task");
        }
        assertThat(mailer.get("/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void should_turn_readiness_down_while_a_worker_route_is_stopped() throws Exception {
        var routes = mailer.context().getRouteController();
        routes.stopRoute("worker-take-enhanced-task");
        try {
            HttpResponse<String> ready = mailer.get("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("{\"name\":\"worker\",\"status\":\"DOWN\"");
        } finally {
            routes.startRoute("worker-take-enhanced-task");
        }
        assertThat(mailer.get("/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void should_turn_readiness_down_while_redis_is_down_and_up_again_after() {
        mailer.redisServer().stop();
        try {
            HttpResponse<String> down = mailer.get("/observe/health/ready");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("{\"name\":\"redis\",\"status\":\"DOWN\"");
            assertThat(mailer.get("/observe/health/live").statusCode()).as("liveness ignores Redis").isEqualTo(200);
        } finally {
            mailer.redisServer().start();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> mailer.get("/observe/health/ready").statusCode() == 200);
    }
}
