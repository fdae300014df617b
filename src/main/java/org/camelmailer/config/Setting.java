package org.camelmailer.config;

import java.time.Duration;

/**
 * Every setting the service reads: its environment name (kept from the Flask/Celery mailer where one existed),
 * its property key (the env name in lower case, as in application.properties) and its built-in default.
 */
public enum Setting {
    REDIS_URL("redis.url", "", Check.parses(RedisUrl::parse).orEmpty()),
    REDIS_SENTINEL_MASTER("redis.sentinel-master", "", Check.any()),
    REDIS_SENTINELS("redis.sentinels", "", Check.listOf(Check.parses(RedisUrl::checkSentinel))),
    GEMINI_API_KEY("gemini.api-key", "", Check.any(), true),
    GEMINI_MODEL("gemini.model", "gemini-flash-latest", Check.name()),
    GEMINI_BASE_URL("gemini.base-url", "https://generativelanguage.googleapis.com", Check.httpUrl()),
    GEMINI_TIMEOUT("gemini.timeout", "30s", Check.duration(Duration.ofSeconds(1), "the wait for one Gemini answer")),
    GEMINI_MAX_ATTEMPTS("gemini.max-attempts", "4", Check.whole(1, 100)),
    GEMINI_RETRY_DELAY("gemini.retry-delay", "1s", Check.duration(Duration.ofMillis(1), "")),
    GEMINI_RETRY_MAX_DELAY("gemini.retry-max-delay", "30s", Check.duration(Duration.ofMillis(1), "")),
    GEMINI_LOG_DIR("gemini.log-dir", "gemini_logs", Check.required()),
    GEMINI_LOG_RETENTION("gemini.log-retention", "30d", Check.duration(Duration.ofDays(1),
            "the log is kept in one folder per day")),
    GEMINI_RPM("gemini.rpm", "", Check.whole(1, 1_000_000).orEmpty()),
    GEMINI_PROMPT_FILE("gemini.prompt-file", "prompts/enhance.txt", Check.required()),
    GEMINI_TEMPERATURE("gemini.temperature", "0.2", Check.decimal(0, 2)),
    GEMINI_MAX_OUTPUT_TOKENS("gemini.max-output-tokens", "4096", Check.whole(1, 65536)),
    SMTP_SERVER("smtp.server", "", Check.host().orEmpty()),
    SMTP_PORT("smtp.port", "587", Check.port()),
    SMTP_LOGIN("smtp.login", "", Check.any()),
    SMTP_PASSWORD("smtp.password", "", Check.any(), true),
    SMTP_SECURITY("smtp.security", "", Check.oneOf("ssl", "starttls", "none").orEmpty()),
    SMTP_ALLOW_PLAINTEXT_AUTH("smtp.allow-plaintext-auth", "false", Check.bool()),
    SMTP_SSL_TRUST("smtp.ssl-trust", "", Check.any()),
    SMTP_HELO_NAME("smtp.helo-name", "", Check.heloName().orEmpty()),
    SMTP_TIMEOUT("smtp.timeout", "30s", Check.duration(Duration.ofSeconds(1), "")),
    SMTP_DATA_TIMEOUT("smtp.data-timeout", "10m", Check.duration(Duration.ofSeconds(1), "")),
    SMTP_UNCERTAIN_RETRY_DELAY("smtp.uncertain-retry-delay", "1h", Check.duration(Duration.ZERO, "")),
    SMTP_PAUSE_ON_REFUSAL("smtp.pause-on-refusal", "10m", Check.duration(Duration.ofSeconds(1), "")),
    SENDER_EMAIL("sender.email", "camel-mailer@localhost", Check.emailAddress()),
    MAILER_ROLE("mailer.role", "all", Check.oneOf("all", "api", "worker")),
    MAILER_API_KEY("mailer.api-key", "", Check.any(), true),
    // Camel's Jolokia (JMX over HTTP) on the API's port, for Hawtio and the camel CLI: needs MAILER_API_KEY when on
    MAILER_JOLOKIA("mailer.jolokia", "off", Check.oneOf("off", "read-only", "read-write")),
    // camel-cli-connector: the camel CLI's ps/get see this process (a status file in ~/.camel, written every second)
    MAILER_CAMEL_CLI("mailer.camel-cli", "false", Check.bool()),
    MAILER_SHUTDOWN_TIMEOUT("mailer.shutdown-timeout", "20s", Check.duration(Duration.ZERO, "")),
    MAILER_ALLOWED_RECIPIENT_DOMAINS("mailer.allowed-recipient-domains", "", Check.listOf(Check.domain())),
    MAILER_RATE_LIMIT("mailer.rate-limit", "", Check.parses(RateLimit::parse)),
    MAILER_ROUTES_RELOAD("mailer.routes-reload", "false", Check.bool()),
    MAILER_TEMPLATES_DIR("mailer.templates-dir", "templates", Check.required()),
    MAILER_HTTP_HOST("mailer.http.host", "127.0.0.1", Check.resolvable()),
    MAILER_HTTP_PORT("mailer.http.port", "5001", Check.port()),
    MAILER_ALLOWED_HOSTS("mailer.allowed-hosts", "", Check.listOf(Check.host())),
    MAILER_MAX_BODY_SIZE("mailer.max-body-size", "262144", Check.whole(1024, Integer.MAX_VALUE)),
    MAILER_MAX_MESSAGE_SIZE("mailer.max-message-size", "10485760", Check.whole(1024, 512 * 1024 * 1024)),
    MAILER_LARGE_MESSAGES("mailer.large-messages", "1", Check.whole(1, 1000)),
    MAILER_MAX_RECIPIENTS("mailer.max-recipients", "50", Check.whole(1, 10_000)),
    MAILER_ALLOWED_SENDERS("mailer.allowed-senders", "", Check.listOf(Check.emailAddress())),
    MAILER_BATCH_MAX("mailer.batch-max", "1000", Check.whole(1, 100_000)),
    MAILER_MAX_SCHEDULE_AHEAD("mailer.max-schedule-ahead", "365d", Check.duration(Duration.ofSeconds(1),
            "how far ahead send_at may be")),
    CORS_ORIGINS("cors.origins", CorsOrigins.LOOPBACK, Check.parses(CorsOrigins::parse)),
    MAILER_OUTBOX_DIR("mailer.outbox-dir", "outbox", Check.required()),
    MAILER_DATA_DIR("mailer.data-dir", "data", Check.required()),
    MAILER_STATUS_TTL("mailer.status-ttl", "24h", Check.duration(Duration.ofMinutes(1),
            "statuses, replays and the already-sent check live this long")),
    MAILER_VISIBILITY_TIMEOUT("mailer.visibility-timeout", "5m", Check.duration(Duration.ofSeconds(3),
            "a shorter lease runs out under a GC pause or a slow server, and another worker mails the task again")),
    MAILER_WORKER_CONCURRENCY("mailer.worker-concurrency", "8", Check.whole(1, 1000)),
    MAILER_GEMINI_CONCURRENCY("mailer.gemini-concurrency", "160", Check.whole(1, 5000)),
    MAILER_MAX_ATTEMPTS("mailer.max-attempts", "", Check.whole(1, 1000).orEmpty()),
    MAILER_RETRY_DELAY("mailer.retry-delay", "5s", Check.duration(Duration.ofMillis(1), "")),
    MAILER_RETRY_MAX_DELAY("mailer.retry-max-delay", "10m", Check.duration(Duration.ofMillis(1), "")),
    MAILER_RETRY_MAX_AGE("mailer.retry-max-age", "1d", Check.duration(Duration.ofSeconds(1), "")),
    MAILER_SUPPRESS_HARD_BOUNCES("mailer.suppress-hard-bounces", "true", Check.bool()),
    // secret: a receiver's URL may carry a token (userinfo, query); shown redacted, never a Camel property
    MAILER_WEBHOOK_URL("mailer.webhook-url", "", Check.parses(WebhookUrls::parse), true),
    MAILER_WEBHOOK_SECRET("mailer.webhook-secret", "", Check.parses(WebhookSecret::key).orEmpty(), true),
    MAILER_WEBHOOK_EVENTS("mailer.webhook-events", "sent,failed", Check.parses(WebhookEvents::parse)),
    MAILER_WEBHOOK_MAX_AGE("mailer.webhook-max-age", "24h", Check.duration(Duration.ofSeconds(1), "")),
    MAILER_WEBHOOK_TIMEOUT("mailer.webhook-timeout", "10s", Check.duration(Duration.ofMillis(100),
            "the wait for a receiver's answer")),
    MAILER_WEBHOOK_CONCURRENCY("mailer.webhook-concurrency", "4", Check.whole(1, 1000));

    /** The name the Celery mailer used for the broker: still honoured, as an alias of REDIS_URL. */
    public static final String CELERY_BROKER_URL = "CELERY_BROKER_URL";

    private final String key;
    private final String defaultValue;
    private final Check check;
    private final boolean secret;

    Setting(String key, String defaultValue, Check check) {
        this(key, defaultValue, check, false);
    }

    Setting(String key, String defaultValue, Check check, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.check = check;
        this.secret = secret;
    }

    /** What is wrong with {@code value} for this setting, or null when it will do. */
    String problem(String value) {
        return check.problem(value);
    }

    /** A duration: handed to Camel in milliseconds with their unit. */
    boolean isDuration() {
        return check instanceof Check.DurationCheck;
    }

    /** The value as a message may show it: a secret is masked. */
    String shown(String value) {
        if (this == REDIS_URL) {
            return RedisUrl.redact(value);
        }
        if (this == MAILER_WEBHOOK_URL) {
            return WebhookUrls.redact(value);
        }
        return secret && !value.isEmpty() ? "***" : value;
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
