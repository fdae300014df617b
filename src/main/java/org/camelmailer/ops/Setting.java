package org.camelmailer.ops;

/**
 * Every setting the service reads: its environment name (kept from the Flask/Celery mailer where one existed),
 * its property key (the env name in lower case, as in application.properties) and its built-in default.
 */
public enum Setting {
    REDIS_URL("redis.url", ""),
    REDIS_SENTINEL_MASTER("redis.sentinel-master", ""),
    REDIS_SENTINELS("redis.sentinels", ""),
    GEMINI_API_KEY("gemini.api-key", "", true),
    GEMINI_MODEL("gemini.model", "gemini-flash-latest"),
    GEMINI_BASE_URL("gemini.base-url", "https://generativelanguage.googleapis.com"),
    GEMINI_TIMEOUT("gemini.timeout", "30s"),
    GEMINI_MAX_ATTEMPTS("gemini.max-attempts", "4"),
    GEMINI_RETRY_DELAY("gemini.retry-delay", "1s"),
    GEMINI_RETRY_MAX_DELAY("gemini.retry-max-delay", "30s"),
    GEMINI_LOG_DIR("gemini.log-dir", "gemini_logs"),
    SMTP_SERVER("smtp.server", ""),
    SMTP_PORT("smtp.port", "587"),
    SMTP_LOGIN("smtp.login", ""),
    SMTP_PASSWORD("smtp.password", "", true),
    SMTP_SECURITY("smtp.security", ""),
    SMTP_SSL_TRUST("smtp.ssl-trust", ""),
    SMTP_TIMEOUT("smtp.timeout", "30s"),
    SENDER_EMAIL("sender.email", "camel-mailer@localhost"),
    MAILER_ROLE("mailer.role", "all"),
    MAILER_API_KEY("mailer.api-key", "", true),
    MAILER_SHUTDOWN_TIMEOUT("mailer.shutdown-timeout", "20s"),
    MAILER_ALLOWED_RECIPIENT_DOMAINS("mailer.allowed-recipient-domains", ""),
    MAILER_RATE_LIMIT("mailer.rate-limit", ""),
    MAILER_ROUTES_RELOAD("mailer.routes-reload", "false"),
    MAILER_HTTP_HOST("mailer.http.host", "127.0.0.1"),
    MAILER_HTTP_PORT("mailer.http.port", "5001"),
    MAILER_MAX_BODY_SIZE("mailer.max-body-size", "262144"),
    CORS_ORIGINS("cors.origins", "*"),
    MAILER_OUTBOX_DIR("mailer.outbox-dir", "outbox"),
    MAILER_DATA_DIR("mailer.data-dir", "data"),
    MAILER_STATUS_TTL("mailer.status-ttl", "24h"),
    MAILER_VISIBILITY_TIMEOUT("mailer.visibility-timeout", "5m"),
    MAILER_WORKER_CONCURRENCY("mailer.worker-concurrency", "8"),
    MAILER_GEMINI_CONCURRENCY("mailer.gemini-concurrency", "160"),
    MAILER_MAX_ATTEMPTS("mailer.max-attempts", "8"),
    MAILER_RETRY_DELAY("mailer.retry-delay", "5s"),
    MAILER_RETRY_MAX_DELAY("mailer.retry-max-delay", "10m"),
    MAILER_RETRY_MAX_AGE("mailer.retry-max-age", "1d");

    /** The name the Celery mailer used for the broker: still honoured, as an alias of REDIS_URL. */
    public static final String CELERY_BROKER_URL = "CELERY_BROKER_URL";

    private final String key;
    private final String defaultValue;
    private final boolean secret;

    Setting(String key, String defaultValue) {
        this(key, defaultValue, false);
    }

    Setting(String key, String defaultValue, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** Secrets never become Camel properties: those can surface in JMX, the dev console and error messages. */
    public boolean secret() {
        return secret;
    }
}
