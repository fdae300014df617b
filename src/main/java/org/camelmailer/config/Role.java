package org.camelmailer.config;

import java.util.Locale;

/**
 * What one process does (MAILER_ROLE): {@code api} serves HTTP and only enqueues, {@code worker} only consumes
 * and delivers, {@code all} does both. Routes are chosen by file: api.camel.yaml and admin.camel.yaml for api,
 * worker.camel.yaml and enhance.camel.yaml (with the Java DSL route worker-enhance) for worker, and
 * webhooks.camel.yaml for worker too, when a webhook URL is set.
 */
public enum Role {
    ALL, API, WORKER;

    public static Role of(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MAILER_ROLE must be all, api or worker, not '" + value + "'");
        }
    }

    public boolean serves() {
        return this != WORKER;
    }

    public boolean delivers() {
        return this != API;
    }

    /**
     * The route files this role leaves out, for camel.main.routes-exclude-pattern; {@code webhooks} false (no
     * MAILER_WEBHOOK_URL) leaves the webhook delivery out too: no consumer polls a queue nobody fills.
     */
    public String excludedRoutes(boolean webhooks) {
        String excluded = switch (this) {
            case API -> "file:routes/worker.camel.yaml,file:routes/enhance.camel.yaml";
            case WORKER -> "file:routes/api.camel.yaml,file:routes/admin.camel.yaml";
            case ALL -> "";
        };
        if (this == API || !webhooks) {
            excluded = excluded.isEmpty() ? WEBHOOK_ROUTES : excluded + "," + WEBHOOK_ROUTES;
        }
        return excluded;
    }

    private static final String WEBHOOK_ROUTES = "file:routes/webhooks.camel.yaml";
}
