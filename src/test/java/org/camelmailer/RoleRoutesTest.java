package org.camelmailer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.camel.Route;
import org.camelmailer.support.RedisServerProcess;
import org.camelmailer.support.RunningMailer;
import org.junit.jupiter.api.Test;

/** MAILER_ROLE picks the routes: the Gemini step (enhance.camel.yaml and the Java DSL worker-enhance) is the worker's. */
class RoleRoutesTest {

    static List<String> routeIds(RunningMailer mailer) {
        return mailer.context().getRoutes().stream().map(Route::getRouteId).toList();
    }

    @Test
    void should_give_the_gemini_step_to_workers_and_not_to_the_api() throws Exception {
        try (RedisServerProcess redis = new RedisServerProcess()) {
            Map<String, String> env = Map.of("REDIS_URL", redis.url(), "GEMINI_API_KEY", "test-key");
            RunningMailer api = RunningMailer.start(with(env, "MAILER_ROLE", "api"));
            try {
                assertThat(routeIds(api)).contains("api-accept-message")
                        .doesNotContain("worker-take-task", "worker-enhance", "enhance-call-gemini");
            } finally {
                api.close();
            }
            RunningMailer worker = RunningMailer.start(with(env, "MAILER_ROLE", "worker"), "/observe/health/live");
            try {
                assertThat(routeIds(worker)).contains("worker-take-task", "worker-enhance", "enhance-call-gemini")
                        .doesNotContain("api-accept-message");
            } finally {
                worker.close();
            }
        }
    }

    static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.put(name, value);
        return copy;
    }
}
