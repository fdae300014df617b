package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.camelmailer.support.Json;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /openapi.json says the truth: real requests to the running service, and its real answers (successes and
 * refusals), are checked against the document it serves, with Atlassian's OpenAPI validator.
 */
class OpenApiContractTest {

    static final String KEY = "contract-test-key";

    static RunningMailer mailer;
    static String document;
    static OpenApiInteractionValidator validator;

    @BeforeAll
    static void start() {
        mailer = RunningMailer.onOwnRedis(Map.of("MAILER_MAX_BODY_SIZE", "4096", "MAILER_API_KEY", KEY));
        HttpResponse<String> doc = mailer.get("/openapi.json");
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        document = doc.body();
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        mailer.close();
    }

    @Test
    void should_be_served_without_the_api_key_and_describe_every_rest_operation() {
        Map<String, Object> doc = Json.parse(document);
        assertThat((String) doc.get("openapi")).startsWith("3.");
        Set<String> documented = operationIds(doc);
        Set<String> declared = new HashSet<>();
        for (RestDefinition rest : mailer.context().getCamelContextExtension().getContextPlugin(Model.class)
                .getRestDefinitions()) {
            rest.getVerbs().stream().map(VerbDefinition::getId).forEach(declared::add);
        }
        assertThat(documented).isEqualTo(declared)
                .contains("api-post-message", "api-get-task-status", "api-post-batch", "api-get-templates",
                        "api-delete-task", "api-patch-task",
                        "admin-get-dead-letters", "admin-post-redrive-all", "admin-post-redrive-one",
                        "admin-get-overview", "admin-get-routes", "admin-post-route-suspend", "admin-post-route-resume");
    }

    @Test
    void should_match_the_health_answer() {
        assertValid(call(SimpleRequest.Builder.get("/")));
    }

    @Test
    void should_match_a_queued_message_and_its_status_until_sent() {
        Exchange queued = call(post("/message", Json.of(Map.of("destinataire", "alice@example.org",
                "sujet", "Réunion", "message", "Bonjour"))).withHeader("X-API-Key", KEY));
        assertThat(queued.response.statusCode()).isEqualTo(202);
        assertValid(queued);

        String taskId = (String) Json.parse(queued.response.body()).get("task_id");
        assertValid(call(SimpleRequest.Builder.get("/message/" + taskId).withHeader("X-API-Key", KEY)));
        await().atMost(Duration.ofSeconds(15)).until(() -> "sent".equals(Json.parse(
                mailer.send(authorized(HttpRequest.newBuilder(mailer.uri("/message/" + taskId))).build()).body())
                .get("status")));
        Exchange sent = call(SimpleRequest.Builder.get("/message/" + taskId).withAuthorization("Bearer " + KEY));
        assertThat(sent.response.body()).contains("\"status\":\"sent\"", "\"error\":null");
        assertValid(sent);
    }

    @Test
    void should_match_the_refusals_of_post_message() {
        Exchange invalid = call(post("/message", "{\"destinataire\":\"alice@example.org\",\"sujet\":\"x\"}")
                .withHeader("X-API-Key", KEY));
        assertThat(invalid.response.statusCode()).isEqualTo(400);
        assertValid(invalid);

        // answers to requests the document itself calls invalid: only the answer is checked
        assertValidResponse(call(post("/message", Json.of(Map.of("destinataire", "alice@example.org",
                "sujet", "x", "message", "y")))), 401);
        assertValidResponse(call(SimpleRequest.Builder.post("/message").withContentType("text/plain")
                .withBody("bonjour").withHeader("X-API-Key", KEY)), 415);
        assertValidResponse(call(post("/message", "{\"message\":\"" + "x".repeat(5000) + "\"}")
                .withHeader("X-API-Key", KEY)), 413);
    }

    /** Every field of the message API, its status with recipients, tags and metadata, a batch and the templates. */
    @Test
    void should_match_the_full_message_a_batch_and_the_templates() {
        Exchange full = call(post("/message", Json.of(Map.ofEntries(
                Map.entry("to", java.util.List.of("Alice <alice@example.org>", "bob@example.org")),
                Map.entry("cc", "carl@example.org"), Map.entry("bcc", java.util.List.of("audit@example.org")),
                Map.entry("reply_to", "support@example.org"), Map.entry("from", "Ventes"),
                Map.entry("subject", "Offre"), Map.entry("text", "Bonjour"), Map.entry("html", "<p>Bonjour</p>"),
                Map.entry("attachments", java.util.List.of(Map.of("filename", "a.txt", "content", "YQ==",
                        "content_type", "text/plain"), Map.of("filename", "logo.png", "content", "YQ==",
                        "content_id", "logo"))),
                Map.entry("headers", Map.of("X-Campaign", "c1")), Map.entry("tags", java.util.List.of("promo")),
                Map.entry("metadata", Map.of("client", "42"))))).withHeader("X-API-Key", KEY));
        assertThat(full.response.statusCode()).as(full.response.body()).isEqualTo(202);
        assertValid(full);
        String taskId = (String) Json.parse(full.response.body()).get("task_id");
        Exchange status = call(SimpleRequest.Builder.get("/message/" + taskId).withHeader("X-API-Key", KEY));
        assertThat(status.response.body()).contains("\"recipients\":4", "\"tags\":[\"promo\"]");
        assertValid(status);
        Exchange events = call(SimpleRequest.Builder.get("/message/" + taskId + "/events").withHeader("X-API-Key", KEY));
        assertThat(events.response.body()).contains("\"event\":\"queued\"");
        assertValid(events);
        Exchange search = call(SimpleRequest.Builder.get("/messages").withQueryParam("tag", "promo")
                .withQueryParam("limit", "5").withHeader("X-API-Key", KEY));
        assertThat(search.response.body()).contains(taskId);
        assertValid(search);
        assertValidResponse(call(SimpleRequest.Builder.get("/messages").withQueryParam("limit", "0")
                .withHeader("X-API-Key", KEY)), 400);

        Exchange templated = call(post("/message", Json.of(Map.of("to", "alice@example.org", "template", "welcome",
                "variables", Map.of("name", "Alice", "product", "Acme")))).withHeader("X-API-Key", KEY));
        assertThat(templated.response.statusCode()).as(templated.response.body()).isEqualTo(202);
        assertValid(templated);

        Exchange batch = call(post("/messages/batch", Json.of(Map.of("messages", java.util.List.of(
                Map.of("to", "alice@example.org", "subject", "Un", "text", "x"),
                Map.of("to", "pas une adresse", "subject", "Deux", "text", "x"))))).withHeader("X-API-Key", KEY));
        assertThat(batch.response.statusCode()).isEqualTo(200);
        assertValid(batch);
        assertValidResponse(call(post("/messages/batch", "{\"messages\":[]}").withHeader("X-API-Key", KEY)), 400);

        Exchange templates = call(SimpleRequest.Builder.get("/templates").withHeader("X-API-Key", KEY));
        assertThat(templates.response.body()).contains("welcome");
        assertValid(templates);
    }

    /** A scheduled message, its status with send_at, a reschedule, a cancel, and their refusals. */
    @Test
    void should_match_a_scheduled_message_its_reschedule_and_its_cancel() {
        String later = java.time.Instant.now().plusSeconds(3600).toString();
        Exchange scheduled = call(post("/message", Json.of(Map.of("to", "alice@example.org", "subject", "Plus tard",
                "text", "Bonjour", "send_at", later))).withHeader("X-API-Key", KEY));
        assertThat(scheduled.response.statusCode()).as(scheduled.response.body()).isEqualTo(202);
        assertThat(scheduled.response.body()).contains("\"status\":\"scheduled\"", "\"send_at\"");
        assertValid(scheduled);
        String taskId = (String) Json.parse(scheduled.response.body()).get("task_id");
        Exchange status = call(SimpleRequest.Builder.get("/message/" + taskId).withHeader("X-API-Key", KEY));
        assertThat(status.response.body()).contains("\"status\":\"scheduled\"", "\"send_at\"");
        assertValid(status);
        assertValid(call(SimpleRequest.Builder.get("/message/" + taskId + "/events").withHeader("X-API-Key", KEY)));

        Exchange moved = call(SimpleRequest.Builder.patch("/message/" + taskId).withContentType("application/json")
                .withBody("{\"send_at\":" + (java.time.Instant.now().getEpochSecond() + 7200) + "}")
                .withHeader("X-API-Key", KEY));
        assertThat(moved.response.statusCode()).as(moved.response.body()).isEqualTo(200);
        assertValid(moved);
        Exchange badTime = call(SimpleRequest.Builder.patch("/message/" + taskId).withContentType("application/json")
                .withBody("{\"send_at\":\"demain\"}").withHeader("X-API-Key", KEY));
        assertThat(badTime.response.statusCode()).isEqualTo(400);
        assertValidResponse(badTime, 400);

        Exchange cancelled = call(SimpleRequest.Builder.delete("/message/" + taskId).withHeader("X-API-Key", KEY));
        assertThat(cancelled.response.statusCode()).as(cancelled.response.body()).isEqualTo(200);
        assertValid(cancelled);
        Exchange again = call(SimpleRequest.Builder.delete("/message/" + taskId).withHeader("X-API-Key", KEY));
        assertThat(again.response.statusCode()).isEqualTo(409);
        assertValid(again);
        Exchange notMoved = call(SimpleRequest.Builder.patch("/message/" + taskId).withContentType("application/json")
                .withBody("{\"send_at\":1}").withHeader("X-API-Key", KEY));
        assertThat(notMoved.response.statusCode()).isEqualTo(409);
        assertValid(notMoved);
        assertValid(call(SimpleRequest.Builder.delete("/message/inconnue").withHeader("X-API-Key", KEY)));
        assertValidResponse(call(SimpleRequest.Builder.delete("/message/" + taskId)), 401);
    }

    @Test
    void should_match_an_unknown_task() {
        Exchange unknown = call(SimpleRequest.Builder.get("/message/no-such-task").withHeader("X-API-Key", KEY));
        assertThat(unknown.response.statusCode()).isEqualTo(404);
        assertValid(unknown);
    }

    @Test
    void should_match_the_admin_answers() {
        assertValid(call(SimpleRequest.Builder.get("/admin/dead-letters").withHeader("X-API-Key", KEY)));
        assertValid(call(SimpleRequest.Builder.post("/admin/dead-letters/redrive").withHeader("X-API-Key", KEY)));
        Exchange none = call(SimpleRequest.Builder.post("/admin/dead-letters/no-such-task/redrive")
                .withHeader("X-API-Key", KEY));
        assertThat(none.response.statusCode()).isEqualTo(404);
        assertValid(none);
    }

    @Test
    void should_match_the_dashboard_answers() {
        assertValid(call(SimpleRequest.Builder.get("/admin/overview").withHeader("X-API-Key", KEY)));
        assertValid(call(SimpleRequest.Builder.get("/admin/routes").withHeader("X-API-Key", KEY)));
        try {
            assertValid(call(SimpleRequest.Builder.post("/admin/routes/worker-take-task/suspend")
                    .withHeader("X-API-Key", KEY)));
        } finally {
            assertValid(call(SimpleRequest.Builder.post("/admin/routes/worker-take-task/resume")
                    .withHeader("X-API-Key", KEY)));
        }
        Exchange unknown = call(SimpleRequest.Builder.post("/admin/routes/no-such-route/suspend").withHeader("X-API-Key", KEY));
        assertThat(unknown.response.statusCode()).isEqualTo(404);
        assertValid(unknown);
        Exchange refused = call(SimpleRequest.Builder.post("/admin/routes/api-accept-message/suspend")
                .withHeader("X-API-Key", KEY));
        assertThat(refused.response.statusCode()).isEqualTo(409);
        assertValid(refused);
        Exchange noKey = call(SimpleRequest.Builder.get("/admin/overview"));
        assertThat(noKey.response.statusCode()).isEqualTo(401);
        assertValidResponse(noKey, 401);
        // the schemas hold: an overview without its numbers, a minute count that is no number, a route without state
        assertThat(responseReport("/admin/overview", Request.Method.GET, 200, "{\"status\":\"ok\"}").hasErrors()).isTrue();
        String overview = okBody(call(SimpleRequest.Builder.get("/admin/overview").withHeader("X-API-Key", KEY)));
        assertThat(responseReport("/admin/overview", Request.Method.GET, 200,
                overview.replaceFirst("\"sent\":\\[\\d+", "\"sent\":[\"x\"")).hasErrors()).isTrue();
        assertThat(responseReport("/admin/routes", Request.Method.GET, 200,
                "{\"status\":\"ok\",\"routes\":[{\"route_id\":\"r\",\"from\":\"direct://r\",\"suspendable\":false,"
                        + "\"exchanges_total\":null,\"exchanges_failed\":null,\"exchanges_inflight\":null}]}").hasErrors()).isTrue();
    }

    private static String okBody(Exchange e) {
        assertThat(e.response.statusCode()).isEqualTo(200);
        return e.response.body();
    }

    @Test
    void should_match_the_suppression_list_answers() {
        Exchange added = call(post("/admin/suppressions", "{\"email\":\"Gone <gone@example.org>\"}")
                .withHeader("X-API-Key", KEY));
        assertThat(added.response.statusCode()).as(added.response.body()).isEqualTo(201);
        assertValid(added);
        Exchange list = call(SimpleRequest.Builder.get("/admin/suppressions").withHeader("X-API-Key", KEY));
        assertThat(list.response.body()).contains("gone@example.org");
        assertValid(list);
        assertValid(call(SimpleRequest.Builder.delete("/admin/suppressions/gone@example.org").withHeader("X-API-Key", KEY)));
        Exchange unknown = call(SimpleRequest.Builder.delete("/admin/suppressions/gone@example.org")
                .withHeader("X-API-Key", KEY));
        assertThat(unknown.response.statusCode()).isEqualTo(404);
        assertValid(unknown);
        assertValidResponse(call(post("/admin/suppressions", "{\"email\":\"pas une adresse\"}")
                .withHeader("X-API-Key", KEY)), 400);
    }

    @Test
    void should_report_an_answer_that_drifts_from_the_document() {
        String queued = "{\"status\":\"queued\",\"message\":\"…\",\"task_id\":\"3f6c2a52-8d0e-4a57-9a43-5b1f6f0c2d11\"}";
        assertThat(responseReport("/message", Request.Method.POST, 202, queued).hasErrors()).isFalse();
        // a renamed field, a missing one, a field the document does not have, a status it does not list
        assertThat(responseReport("/message", Request.Method.POST, 202, queued.replace("task_id", "taskId")).hasErrors())
                .isTrue();
        assertThat(responseReport("/message", Request.Method.POST, 400, "{\"status\":\"error\"}").hasErrors()).isTrue();
        assertThat(responseReport("/", Request.Method.GET, 200,
                "{\"status\":\"ok\",\"message\":\"Mailing service is running\",\"version\":\"1\"}").hasErrors()).isTrue();
        assertThat(responseReport("/message/x", Request.Method.GET, 200, "{\"task_id\":\"x\",\"status\":\"lost\","
                + "\"attempts\":0,\"enhanced\":false,\"created_at\":\"2026-11-28T09:12:03Z\","
                + "\"updated_at\":\"2026-11-28T09:12:03Z\",\"error\":null}").hasErrors()).isTrue();
        // and a request the document refuses: a recipient list of numbers
        ValidationReport request = validator.validateRequest(post("/message",
                "{\"to\":[1,2],\"subject\":\"x\",\"text\":\"y\"}").withHeader("X-API-Key", KEY).build());
        assertThat(request.hasErrors()).isTrue();
        ValidationReport full = validator.validateRequest(post("/message", "{\"to\":[\"a@example.org\",\"Bob <b@example.org>\"],"
                + "\"cc\":\"c@example.org\",\"subject\":\"x\",\"html\":\"<p>y</p>\",\"attachments\":[{\"filename\":\"a.txt\","
                + "\"content\":\"aGVsbG8=\"}],\"headers\":{\"X-Campaign\":\"1\"},\"tags\":[\"t\"],\"metadata\":{\"k\":\"v\"},"
                + "\"variables\":{\"n\":1}}").withHeader("X-API-Key", KEY).build());
        assertThat(full.getMessages()).isEmpty();
    }

    // --- an exchange with the running service, and its check against the document

    record Exchange(SimpleRequest request, HttpResponse<String> response) {
    }

    static SimpleRequest.Builder post(String path, String json) {
        return SimpleRequest.Builder.post(path).withContentType("application/json").withBody(json);
    }

    static HttpRequest.Builder authorized(HttpRequest.Builder b) {
        return b.header("X-API-Key", KEY);
    }

    /** Sends what {@code request} describes to the service, as it is. */
    static Exchange call(SimpleRequest.Builder builder) {
        SimpleRequest request = builder.build();
        StringBuilder query = new StringBuilder();
        for (String name : request.getQueryParameters()) {
            for (String value : request.getQueryParameterValues(name)) {
                query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
                        .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        HttpRequest.Builder http = HttpRequest.newBuilder(mailer.uri(request.getPath() + query));
        request.getHeaders().forEach((name, values) -> values.forEach(v -> http.header(name, v)));
        String body = request.getRequestBody().map(b -> {
            try {
                return b.toString(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).orElse(null);
        http.method(request.getMethod().name(), body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return new Exchange(request, mailer.send(http.build()));
    }

    static SimpleResponse response(HttpResponse<String> r) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(r.statusCode()).withBody(r.body());
        r.headers().map().forEach((name, values) -> b.withHeader(name, values));
        return b.build();
    }

    static void assertValid(Exchange e) {
        ValidationReport report = validator.validate(e.request, response(e.response));
        assertThat(report.getMessages()).as("%s %s -> %s %s", e.request.getMethod(), e.request.getPath(),
                e.response.statusCode(), e.response.body()).isEmpty();
    }

    static void assertValidResponse(Exchange e, int status) {
        assertThat(e.response.statusCode()).isEqualTo(status);
        ValidationReport report = validator.validateResponse(e.request.getPath(), e.request.getMethod(),
                response(e.response));
        assertThat(report.getMessages()).as("%s %s -> %s %s", e.request.getMethod(), e.request.getPath(),
                e.response.statusCode(), e.response.body()).isEmpty();
    }

    static ValidationReport responseReport(String path, Request.Method method, int status, String body) {
        return validator.validateResponse(path, method, SimpleResponse.Builder.status(status)
                .withContentType("application/json; charset=utf-8").withBody(body).build());
    }

    @SuppressWarnings("unchecked")
    static Set<String> operationIds(Map<String, Object> doc) {
        return ((Map<String, Map<String, Map<String, Object>>>) doc.get("paths")).values().stream()
                .flatMap(item -> item.values().stream()).map(op -> (String) op.get("operationId"))
                .collect(Collectors.toSet());
    }
}
