package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.camelmailer.support.FreePort;
import org.camelmailer.support.Json;
import org.camelmailer.support.MailerProcess;
import org.camelmailer.support.RawHttp;
import org.camelmailer.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

/** MAILER_JOLOKIA through the packaged jar: off by default, and each mode behind MAILER_API_KEY and its policy. */
class JolokiaIT {

    private static final String KEY = "jolokia-it-key";
    private static final String CONTEXT = "org.apache.camel:context=camel-mailer,type=context,name=%22camel-mailer%22";
    /** A timer route: stopping it takes no task from anyone. */
    private static final String ROUTE = "org.apache.camel:context=camel-mailer,type=routes,name=%22enhance-log-retention%22";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void should_not_serve_jolokia_by_default() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess();
             MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), Map.of("REDIS_URL", redis.url(),
                     "MAILER_HTTP_PORT", Integer.toString(FreePort.find()), "MAILER_API_KEY", KEY))) {
            assertThat(get(mailer, "/observe/jolokia/version", "X-API-Key", KEY).statusCode()).isEqualTo(404);
            assertThat(get(mailer, "/observe/jolokia", "X-API-Key", KEY).statusCode()).isEqualTo(404);
            assertThat(mailer.output()).doesNotContain("DefaultJolokiaPlatformHttpPlugin", "MAILER_JOLOKIA=");
        }
    }

    @Test
    void should_serve_read_only_jolokia_behind_the_api_key() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess();
             MailerProcess mailer = MailerProcess.start(MailerProcess.workingDirectory(), Map.of("REDIS_URL", redis.url(),
                     "MAILER_HTTP_PORT", Integer.toString(FreePort.find()), "MAILER_API_KEY", KEY,
                     "MAILER_JOLOKIA", "read-only"))) {
            assertThat(mailer.output()).contains("MAILER_JOLOKIA=read-only: Jolokia at /observe/jolokia needs "
                    + "MAILER_API_KEY; Jolokia policy classpath:/jolokia-access-read-only.xml");
            String read = "/observe/jolokia/read/" + CONTEXT + "/State";

            HttpResponse<String> refused = get(mailer, read);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("Clé d'API absente ou invalide");
            assertThat(get(mailer, read, "X-API-Key", "wrong").statusCode()).isEqualTo(401);
            assertThat(get(mailer, read, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(post(mailer, "{\"type\":\"version\"}").statusCode()).isEqualTo(401);
            // the edge's checks hold on this path too: the Host check before the key
            assertThat(RawHttp.send(mailer.port(), "GET", "/observe/jolokia/version", "evil.example:" + mailer.port(),
                    null).status()).isEqualTo(421);

            assertThat(jolokia(get(mailer, read, "X-API-Key", KEY))).containsEntry("status", 200)
                    .containsEntry("value", "Started");
            assertThat(jolokia(get(mailer, read, "Authorization", "Bearer " + KEY))).containsEntry("value", "Started");
            // Hawtio sends Basic: the key as the password, any user name; only on this path
            assertThat(jolokia(get(mailer, read, "Authorization", basic("hawtio:" + KEY)))).containsEntry("value", "Started");
            assertThat(get(mailer, read, "Authorization", basic(KEY + ":hawtio")).statusCode()).isEqualTo(401);
            assertThat(get(mailer, "/templates", "Authorization", basic("hawtio:" + KEY)).statusCode()).isEqualTo(401);
            assertThat(jolokia(get(mailer, "/observe/jolokia/search/org.apache.camel:type=routes,*", "X-API-Key", KEY))
                    .get("value").toString()).contains("name=\"worker-take-task\"");
            assertThat(jolokia(get(mailer, "/observe/jolokia/list/org.apache.camel", "X-API-Key", KEY)))
                    .containsEntry("status", 200);

            // Jolokia answers a refusal of its policy with HTTP 200 and the status in its JSON
            Map<String, Object> exec = jolokia(get(mailer, "/observe/jolokia/exec/" + ROUTE + "/stop()", "X-API-Key", KEY));
            assertThat(exec).containsEntry("status", 403);
            assertThat(exec.get("error").toString()).contains("Operation stop() forbidden");
            Map<String, Object> write = jolokia(post(mailer, "{\"type\":\"write\",\"mbean\":\"" + mbean(ROUTE)
                    + "\",\"attribute\":\"Tracing\",\"value\":true}", "X-API-Key", KEY));
            assertThat(write).containsEntry("status", 403);
            assertThat(jolokia(get(mailer, "/observe/jolokia/read/" + ROUTE + "/State", "X-API-Key", KEY)))
                    .containsEntry("value", "Started");
        }
    }

    @Test
    void should_run_operations_in_read_write_but_not_send_to_endpoints() throws Exception {
        Path dir = MailerProcess.workingDirectory();
        // the form of application.properties, the key from .env
        Path properties = dir.resolve("application.properties");
        Files.writeString(properties, Files.readString(properties, StandardCharsets.UTF_8)
                .replace("mailer.jolokia = off", "mailer.jolokia = read-write"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(".env"), "MAILER_API_KEY=" + KEY + "\n");
        try (RedisServerProcess redis = new RedisServerProcess();
             MailerProcess mailer = MailerProcess.start(dir, Map.of("REDIS_URL", redis.url(),
                     "MAILER_HTTP_PORT", Integer.toString(FreePort.find())))) {
            assertThat(get(mailer, "/observe/jolokia/version").statusCode()).isEqualTo(401);

            assertThat(jolokia(get(mailer, "/observe/jolokia/exec/" + ROUTE + "/stop()", "X-API-Key", KEY)))
                    .containsEntry("status", 200);
            assertThat(jolokia(get(mailer, "/observe/jolokia/read/" + ROUTE + "/State", "X-API-Key", KEY)))
                    .containsEntry("value", "Stopped");
            assertThat(jolokia(post(mailer, "{\"type\":\"exec\",\"mbean\":\"" + mbean(ROUTE) + "\",\"operation\":\"start()\"}",
                    "Authorization", "Bearer " + KEY))).containsEntry("status", 200);
            assertThat(jolokia(get(mailer, "/observe/jolokia/read/" + ROUTE + "/State", "X-API-Key", KEY)))
                    .containsEntry("value", "Started");

            Map<String, Object> send = jolokia(post(mailer, "{\"type\":\"exec\",\"mbean\":\"" + mbean(CONTEXT)
                    + "\",\"operation\":\"sendStringBody\",\"arguments\":[\"log:jolokia-it\",\"hello\"]}", "X-API-Key", KEY));
            assertThat(send).containsEntry("status", 403);
            Map<String, Object> heap = jolokia(post(mailer, "{\"type\":\"exec\",\"mbean\":\"com.sun.management:"
                    + "type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\"" + dir.resolve("heap.hprof")
                    + "\",true]}", "X-API-Key", KEY));
            assertThat(heap).containsEntry("status", 403);
            assertThat(dir.resolve("heap.hprof")).doesNotExist();
            assertThat(mailer.output()).doesNotContain("jolokia-it");
        }
    }

    @Test
    void should_refuse_a_mode_that_does_not_exist_with_exit_2() throws Exception {
        SettingsIT.Run run = SettingsIT.runToEnd(Map.of("MAILER_JOLOKIA", "yes", "MAILER_API_KEY", KEY));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: MAILER_JOLOKIA=yes: must be one of off, "
                + "read-only, read-write").doesNotContain("Exception");
    }

    @Test
    void should_refuse_to_serve_jolokia_without_the_api_key_with_exit_2() throws Exception {
        SettingsIT.Run run = SettingsIT.runToEnd(Map.of("MAILER_JOLOKIA", "read-only"));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("camel-mailer: configuration error: MAILER_JOLOKIA=read-only: needs "
                + "MAILER_API_KEY").doesNotContain("Exception");
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** The MBean name of a Jolokia path, as a JSON request names it. */
    private static String mbean(String path) {
        return path.replace("%22", "\\\"");
    }

    private static Map<String, Object> jolokia(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body());
    }

    private HttpResponse<String> get(MailerProcess mailer, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mailer.port() + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(MailerProcess mailer, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mailer.port()
                        + "/observe/jolokia")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
