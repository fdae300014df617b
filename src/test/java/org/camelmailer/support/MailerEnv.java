package org.camelmailer.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of the service against the test's own servers: its SMTP server on this machine in plain SMTP, its
 * Redis server, and what else the test sets; for {@link RunningMailer} and {@link MailerProcess} alike.
 */
public final class MailerEnv {

    private final Map<String, String> env = new LinkedHashMap<>();

    /** The test's SMTP server on this machine: SMTP_SERVER=127.0.0.1, SMTP_PORT={@code port}, SMTP_SECURITY=none. */
    public MailerEnv smtp(int port) {
        return with("SMTP_SERVER", "127.0.0.1").with("SMTP_PORT", Integer.toString(port)).with("SMTP_SECURITY", "none");
    }

    /** REDIS_URL (not for {@link RunningMailer#onOwnRedis}, which sets it). */
    public MailerEnv redis(String url) {
        return with("REDIS_URL", url);
    }

    /** SENDER_EMAIL. */
    public MailerEnv sender(String address) {
        return with("SENDER_EMAIL", address);
    }

    /** MAILER_HTTP_PORT on a free port: the packaged service would take 5001 ({@link RunningMailer} finds one). */
    public MailerEnv freeHttpPort() {
        return with("MAILER_HTTP_PORT", Integer.toString(FreePort.find()));
    }

    /** MAILER_RETRY_DELAY=200ms, MAILER_RETRY_MAX_DELAY=500ms: a failed delivery or webhook tried again at once. */
    public MailerEnv fastRetries() {
        return with("MAILER_RETRY_DELAY", "200ms").with("MAILER_RETRY_MAX_DELAY", "500ms");
    }

    public MailerEnv with(String name, String value) {
        env.put(name, value);
        return this;
    }

    public MailerEnv with(Map<String, String> more) {
        env.putAll(more);
        return this;
    }

    /** The settings so far, unmodifiable. */
    public Map<String, String> toMap() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }
}
