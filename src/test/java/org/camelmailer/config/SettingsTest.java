package org.camelmailer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.camelmailer.config.ConfigurationException;
import org.camelmailer.config.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    @TempDir
    Path dir;

    private void dotEnv(String text) throws Exception {
        Files.writeString(dir.resolve(".env"), text, StandardCharsets.UTF_8);
    }

    private void properties(String text) throws Exception {
        Files.writeString(dir.resolve("application.properties"), text, StandardCharsets.UTF_8);
    }

    /** The same setting at every level: SMTP_SERVER everywhere, SMTP_PORT in .env and properties, and so on. */
    private Settings layered() throws Exception {
        dotEnv("SMTP_SERVER=dotenv.example.com\nSMTP_PORT=2525\n");
        properties("smtp.server=props.example.com\nsmtp.port=2626\nsender.email=props@example.com\n");
        return Settings.load(dir, Map.of("SMTP_SERVER", "env.example.com"));
    }

    @Test
    void should_prefer_the_environment_over_dotenv_and_properties() throws Exception {
        Settings s = layered();

        assertThat(s.get(Setting.SMTP_SERVER)).isEqualTo("env.example.com");
        assertThat(s.origin(Setting.SMTP_SERVER)).isEqualTo("environment");
    }

    @Test
    void should_prefer_dotenv_over_properties() throws Exception {
        Settings s = layered();

        assertThat(s.get(Setting.SMTP_PORT)).isEqualTo("2525");
        assertThat(s.origin(Setting.SMTP_PORT)).isEqualTo(".env");
    }

    @Test
    void should_prefer_properties_over_the_default() throws Exception {
        Settings s = layered();

        assertThat(s.get(Setting.SENDER_EMAIL)).isEqualTo("props@example.com");
        assertThat(s.origin(Setting.SENDER_EMAIL)).isEqualTo("application.properties");
        assertThat(s.isDefault(Setting.SENDER_EMAIL)).isFalse();
    }

    @Test
    void should_fall_back_to_the_built_in_default() throws Exception {
        Settings s = layered();

        assertThat(s.get(Setting.GEMINI_MODEL)).isEqualTo("gemini-flash-latest");
        assertThat(s.origin(Setting.GEMINI_MODEL)).isEqualTo("default");
        assertThat(s.isDefault(Setting.GEMINI_MODEL)).isTrue();
    }

    @Test
    void should_read_only_defaults_when_the_directory_has_no_files() {
        Settings s = Settings.load(dir, Map.of());

        assertThat(s.get(Setting.MAILER_HTTP_PORT)).isEqualTo("5001");
        assertThat(s.get(Setting.MAILER_HTTP_HOST)).isEqualTo("127.0.0.1");
        assertThat(s.isSet(Setting.SMTP_SERVER)).isFalse();
    }

    @Test
    void should_take_celery_broker_url_as_redis_url() {
        Settings s = Settings.load(dir, Map.of("CELERY_BROKER_URL", "redis://celery:6379/0"));

        assertThat(s.get(Setting.REDIS_URL)).isEqualTo("redis://celery:6379/0");
        assertThat(s.origin(Setting.REDIS_URL)).isEqualTo("environment");
    }

    @Test
    void should_take_celery_broker_url_from_dotenv() throws Exception {
        dotEnv("CELERY_BROKER_URL=redis://from-dotenv:6379/1\n");

        Settings s = Settings.load(dir, Map.of());

        assertThat(s.get(Setting.REDIS_URL)).isEqualTo("redis://from-dotenv:6379/1");
        assertThat(s.origin(Setting.REDIS_URL)).isEqualTo(".env");
    }

    @Test
    void should_prefer_redis_url_over_celery_broker_url() {
        Settings s = Settings.load(dir, Map.of(
                "CELERY_BROKER_URL", "redis://celery:6379/0", "REDIS_URL", "redis://redis:6379/2"));

        assertThat(s.get(Setting.REDIS_URL)).isEqualTo("redis://redis:6379/2");
    }

    @Test
    void should_let_a_blank_environment_value_fall_through_to_dotenv() throws Exception {
        dotEnv("SMTP_SERVER=dotenv.example.com\n");

        Settings s = Settings.load(dir, Map.of("SMTP_SERVER", "   "));

        assertThat(s.get(Setting.SMTP_SERVER)).isEqualTo("dotenv.example.com");
        assertThat(s.origin(Setting.SMTP_SERVER)).isEqualTo(".env");
    }

    @Test
    void should_let_a_blank_dotenv_value_fall_through_to_properties() throws Exception {
        dotEnv("SMTP_SERVER=\n");
        properties("smtp.server=props.example.com\n");

        Settings s = Settings.load(dir, Map.of());

        assertThat(s.get(Setting.SMTP_SERVER)).isEqualTo("props.example.com");
        assertThat(s.origin(Setting.SMTP_SERVER)).isEqualTo("application.properties");
    }

    @Test
    void should_let_a_blank_property_fall_through_to_the_default() throws Exception {
        properties("gemini.model=\n");

        Settings s = Settings.load(dir, Map.of());

        assertThat(s.get(Setting.GEMINI_MODEL)).isEqualTo("gemini-flash-latest");
        assertThat(s.origin(Setting.GEMINI_MODEL)).isEqualTo("default");
    }

    @Test
    void should_let_a_blank_redis_url_fall_through_to_celery_broker_url() {
        Settings s = Settings.load(dir, Map.of("REDIS_URL", "", "CELERY_BROKER_URL", "redis://celery:6379/0"));

        assertThat(s.get(Setting.REDIS_URL)).isEqualTo("redis://celery:6379/0");
    }

    @Test
    void should_strip_surrounding_whitespace_from_values() {
        Settings s = Settings.load(dir, Map.of("SMTP_SERVER", "  smtp.example.com \t"));

        assertThat(s.get(Setting.SMTP_SERVER)).isEqualTo("smtp.example.com");
    }

    @Test
    void should_fail_to_load_when_dotenv_is_malformed() throws Exception {
        dotEnv("SMTP_PORT=465\nnot a setting\n");

        assertThatThrownBy(() -> Settings.load(dir, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".env:2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "30s, PT30S",
            "5m, PT5M",
            "24h, PT24H",
            "250ms, PT0.25S",
            "7, PT7S",
            "300, PT5M",
            "1d, PT24H",
            "5M, PT5M"
    })
    void should_parse_a_duration_with_a_bare_number_as_seconds(String text, Duration expected) {
        Settings s = Settings.of(Map.of("MAILER_SHUTDOWN_TIMEOUT", text));

        assertThat(s.getDuration(Setting.MAILER_SHUTDOWN_TIMEOUT)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "SMTP_DATA_TIMEOUT, 600, PT10M", "SMTP_DATA_TIMEOUT, 30s, PT30S", "SMTP_DATA_TIMEOUT, 5m, PT5M",
            "SMTP_UNCERTAIN_RETRY_DELAY, 3600, PT1H", "SMTP_UNCERTAIN_RETRY_DELAY, 30s, PT30S",
            "SMTP_UNCERTAIN_RETRY_DELAY, 5m, PT5M", "SMTP_UNCERTAIN_RETRY_DELAY, 0, PT0S",
            "SMTP_PAUSE_ON_REFUSAL, 600, PT10M", "SMTP_PAUSE_ON_REFUSAL, 30s, PT30S", "SMTP_PAUSE_ON_REFUSAL, 5m, PT5M"
    })
    void should_read_the_smtp_waits_in_every_documented_form(String name, String text, Duration expected) {
        assertThat(Settings.of(Map.of(name, text)).getDuration(Setting.valueOf(name))).isEqualTo(expected);
    }

    @Test
    void should_wait_ten_minutes_for_the_end_of_data_and_an_hour_before_an_uncertain_retry_by_default() {
        assertThat(Settings.of(Map.of()).getDuration(Setting.SMTP_DATA_TIMEOUT)).isEqualTo(Duration.ofMinutes(10));
        assertThat(Settings.of(Map.of()).getDuration(Setting.SMTP_UNCERTAIN_RETRY_DELAY)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void should_count_no_attempts_by_default_so_that_the_age_decides() {
        Settings s = Settings.of(Map.of());

        assertThat(s.isSet(Setting.MAILER_MAX_ATTEMPTS)).isFalse();
        assertThat(s.getDuration(Setting.MAILER_RETRY_MAX_AGE)).isEqualTo(Duration.ofDays(1));
        assertThat(Settings.of(Map.of("MAILER_MAX_ATTEMPTS", "3")).getInt(Setting.MAILER_MAX_ATTEMPTS)).isEqualTo(3);
    }

    @Test
    void should_use_the_default_visibility_timeout_of_five_minutes() {
        assertThat(Settings.of(Map.of()).getDuration(Setting.MAILER_VISIBILITY_TIMEOUT))
                .isEqualTo(Duration.ofMinutes(5));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"300, 300000ms", "5m, 300000ms", "2500ms, 2500ms"})
    void should_hand_durations_to_camel_in_milliseconds_with_their_unit(String text, String property) {
        Settings s = Settings.of(Map.of("MAILER_SHUTDOWN_TIMEOUT", text));

        assertThat(s.toCamelProperties()).containsEntry("mailer.shutdown-timeout", property);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"five minutes", "5 minutes", "-5s", "1.5h", "5w", "s"})
    void should_reject_a_bad_duration_naming_the_setting_and_the_value(String text) {
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_VISIBILITY_TIMEOUT", text)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("MAILER_VISIBILITY_TIMEOUT=" + text + ": must be " + Durations.FORM);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"99999999999999999999s", "9999999999999999d"})
    void should_reject_an_out_of_range_duration_naming_the_setting(String text) {
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_STATUS_TTL", text)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("MAILER_STATUS_TTL=" + text + ": ");
    }

    /** Values found accepted and misbehaving later, or refused without naming the setting. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "SMTP_PORT | 70000 | must be a port number from 1 to 65535",
            "SMTP_PORT | smtp | must be a port number from 1 to 65535",
            "SMTP_PORT | 0 | must be a port number from 1 to 65535",
            "MAILER_HTTP_PORT | 70000 | must be a port number from 1 to 65535",
            "MAILER_MAX_BODY_SIZE | 0 | must be a whole number from 1024 to 2147483647",
            "MAILER_MAX_BODY_SIZE | -5 | must be a whole number from 1024 to 2147483647",
            "MAILER_STATUS_TTL | 0 | must be at least 1 min",
            "GEMINI_TIMEOUT | 0 | must be at least 1 s",
            "SMTP_DATA_TIMEOUT | 0 | must be at least 1 s",
            "SMTP_PAUSE_ON_REFUSAL | 0 | must be at least 1 s",
            "SMTP_UNCERTAIN_RETRY_DELAY | soon | must be a duration such as 30s, 5m or 24h (a bare number is seconds)",
            "MAILER_ROUTES_RELOAD | yes | must be true or false",
            "SMTP_ALLOW_PLAINTEXT_AUTH | yes | must be true or false",
            "MAILER_WORKER_CONCURRENCY | 0 | must be a whole number from 1 to 1000",
            "MAILER_WORKER_CONCURRENCY | -1 | must be a whole number from 1 to 1000",
            "MAILER_GEMINI_CONCURRENCY | 0 | must be a whole number from 1 to 5000",
            "MAILER_MAX_ATTEMPTS | 0 | must be a whole number from 1 to 1000",
            "MAILER_VISIBILITY_TIMEOUT | 0s | must be at least 3 s",
            "MAILER_VISIBILITY_TIMEOUT | 2 | must be at least 3 s",
            "MAILER_RETRY_DELAY | 0 | must be at least 1 ms",
            "MAILER_ROLE | both | must be one of all, api, worker",
            "SMTP_SECURITY | tls | must be one of ssl, starttls, none",
            "SMTP_SERVER | smtp://mail.example.org | must be a host name or an IP address (no scheme, no port)",
            "MAILER_HTTP_HOST | no-such-host.invalid | cannot be resolved to an address of this machine",
            "MAILER_RATE_LIMIT | 0/1m | must look like 60/1m: requests per duration (a bare number is seconds: 60/60 is 60 a minute)",
            "MAILER_RATE_LIMIT | lots | must look like 60/1m: requests per duration (a bare number is seconds: 60/60 is 60 a minute)",
            "GEMINI_BASE_URL | generativelanguage.googleapis.com | must be an http:// or https:// URL without a query",
            "GEMINI_MODEL | models/gemini pro | must be letters, digits, '.', '_' or '-' only",
            "REDIS_SENTINELS | sentinel-1 | 'sentinel-1' must be host:port",
            "MAILER_ALLOWED_HOSTS | mailer.internal:5001 | 'mailer.internal:5001' must be a host name or an IP address (no scheme, no port)",
            "MAILER_ALLOWED_HOSTS | http://mailer.internal | 'http://mailer.internal' must be a host name or an IP address (no scheme, no port)",
            "GEMINI_TEMPERATURE | 2.5 | must be a number from 0 to 2 (such as 0.2)",
            "GEMINI_TEMPERATURE | -0.1 | must be a number from 0 to 2 (such as 0.2)",
            "GEMINI_TEMPERATURE | warm | must be a number from 0 to 2 (such as 0.2)",
            "GEMINI_TEMPERATURE | 0,2 | must be a number from 0 to 2 (such as 0.2)",
            "GEMINI_TEMPERATURE | NaN | must be a number from 0 to 2 (such as 0.2)",
            "GEMINI_MAX_OUTPUT_TOKENS | 0 | must be a whole number from 1 to 65536",
            "GEMINI_MAX_OUTPUT_TOKENS | 65537 | must be a whole number from 1 to 65536",
            "GEMINI_RPM | 0 | must be a whole number from 1 to 1000000",
            "GEMINI_RPM | 60/1m | must be a whole number from 1 to 1000000",
            "GEMINI_RPM | lots | must be a whole number from 1 to 1000000",
            "SMTP_HELO_NAME | mail example | must be a domain name such as mail.example.org (ASCII) or an address literal such as [192.0.2.1]",
            "SMTP_HELO_NAME | 192.0.2.1 | must be a domain name such as example.org: it ",
    })
    void should_refuse_a_setting_that_makes_no_sense_naming_it_and_its_value(String name, String value, String problem) {
        assertThatThrownBy(() -> Settings.of(Map.of(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(name + "=" + value + ": " + problem);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "MAILER_HTTP_PORT | 65535", "SMTP_PORT | 1", "MAILER_VISIBILITY_TIMEOUT | 3s", "MAILER_ROUTES_RELOAD | TRUE",
            "MAILER_HTTP_HOST | localhost", "MAILER_HTTP_HOST | ::1", "MAILER_HTTP_HOST | 0.0.0.0", "MAILER_RATE_LIMIT | 60/60",
            "SMTP_SECURITY | STARTTLS", "MAILER_MAX_BODY_SIZE | 1024", "SMTP_SERVER | smtp_relay.internal",
            "SMTP_SERVER | 2001:db8::25", "MAILER_SHUTDOWN_TIMEOUT | 0", "SENDER_EMAIL | ops@corp.internal",
            "SENDER_EMAIL | Équipe Mailer <mailer@example.org>", "SENDER_EMAIL | \"Mailer, Paris\" <mailer@müller.example>",
            "MAILER_ALLOWED_RECIPIENT_DOMAINS | müller.example, localhost, example.test", "CORS_ORIGINS | *",
            "CORS_ORIGINS | https://app.example.org,http://localhost:3000,http://[::1]:*",
            "MAILER_ALLOWED_HOSTS | mailer.internal,10.0.0.5,[fd00::1]",
            "GEMINI_TEMPERATURE | 0", "GEMINI_TEMPERATURE | 2", "GEMINI_TEMPERATURE | 1.25", "GEMINI_TEMPERATURE | 0.7",
            "GEMINI_MAX_OUTPUT_TOKENS | 1", "GEMINI_MAX_OUTPUT_TOKENS | 65536", "GEMINI_PROMPT_FILE | /etc/mailer/prompt.txt",
            "GEMINI_LOG_RETENTION | 1d", "GEMINI_LOG_RETENTION | 24h", "GEMINI_LOG_RETENTION | 86400",
            "GEMINI_LOG_RETENTION | 365d", "GEMINI_RPM | 1", "GEMINI_RPM | 2000",
            "SMTP_HELO_NAME | mail.example.org", "SMTP_HELO_NAME | [192.0.2.1]", "SMTP_HELO_NAME | [IPv6:2001:db8::25]"})
    void should_accept_the_edges_of_what_makes_sense(String name, String value) {
        assertThat(Settings.of(Map.of(name, value)).get(Setting.valueOf(name))).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "noreply | it has no '@'",
            "a@example.org, b@example.org | it holds more than one address (',' or ';'): one address only",
            "josé@example.org | it has a non-ASCII local part: the SMTP server would need SMTPUTF8",
            "Mailer mailer@example.org | it contains a space (a name goes first: 'Alice Martin <alice@example.org>')"})
    void should_refuse_a_sender_that_is_not_one_address_saying_what_to_write(String value, String why) {
        assertThatThrownBy(() -> Settings.of(Map.of("SENDER_EMAIL", value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SENDER_EMAIL=" + value + ": must be one e-mail address such as mailer@example.org or "
                        + "'Mailer <mailer@example.org>': " + why);
    }

    @Test
    void should_refuse_an_allowed_recipient_domain_that_is_no_domain_name() {
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_ALLOWED_RECIPIENT_DOMAINS", "example.org, exa_mple.org")))
                .hasMessage("MAILER_ALLOWED_RECIPIENT_DOMAINS=example.org, exa_mple.org: 'exa_mple.org' must be a "
                        + "domain name such as example.org: it has '_' in its domain (letters, digits, '-' and '.' only)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://app.example.org/", "app.example.org", "https://app.example.org/app",
            "ftp://app.example.org", "http://localhost:99999", "http://localhost:", "https://*.example.org"})
    void should_refuse_a_cors_entry_that_is_not_an_origin(String entry) {
        String value = "http://localhost:3000, " + entry;
        assertThatThrownBy(() -> Settings.of(Map.of("CORS_ORIGINS", value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("CORS_ORIGINS=" + value + ": '" + entry + "' ");
    }

    @Test
    void should_refuse_a_star_among_listed_origins() {
        assertThatThrownBy(() -> Settings.of(Map.of("CORS_ORIGINS", "*,https://app.example.org")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("CORS_ORIGINS=*,https://app.example.org: '*' lets every origin in: list it alone, "
                        + "or list origins without it");
    }

    @Test
    void should_default_cors_to_pages_served_from_this_machine() {
        assertThat(Settings.of(Map.of()).get(Setting.CORS_ORIGINS))
                .isEqualTo("http://localhost:*,http://127.0.0.1:*,http://[::1]:*");
    }

    @Test
    void should_list_every_wrong_setting_at_once() {
        assertThatThrownBy(() -> Settings.of(Map.of("SMTP_PORT", "70000", "MAILER_ROUTES_RELOAD", "yes")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "SMTP_PORT=70000: must be a port number from 1 to 65535",
                        "MAILER_ROUTES_RELOAD=yes: must be true or false"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"30d", "720h", "43200m", "2592000s", "2592000", "2592000000ms"})
    void should_read_the_gemini_log_retention_in_every_documented_form(String text) {
        assertThat(Settings.of(Map.of("GEMINI_LOG_RETENTION", text)).getDuration(Setting.GEMINI_LOG_RETENTION))
                .isEqualTo(Duration.ofDays(30));
    }

    @Test
    void should_leave_gemini_calls_unlimited_by_default() {
        assertThat(Settings.of(Map.of()).isSet(Setting.GEMINI_RPM)).isFalse();
    }

    @Test
    void should_keep_the_gemini_log_thirty_days_by_default() {
        assertThat(Settings.of(Map.of()).getDuration(Setting.GEMINI_LOG_RETENTION)).isEqualTo(Duration.ofDays(30));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"23h", "86399", "0", "12h"})
    void should_refuse_a_gemini_log_retention_under_a_day(String text) {
        assertThatThrownBy(() -> Settings.of(Map.of("GEMINI_LOG_RETENTION", text)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("GEMINI_LOG_RETENTION=" + text + ": must be at least 1 d: the log is kept in one folder per day");
    }

    @Test
    void should_default_to_the_shipped_prompt_and_generation_settings() {
        Settings s = Settings.of(Map.of());

        assertThat(s.get(Setting.GEMINI_PROMPT_FILE)).isEqualTo("prompts/enhance.txt");
        assertThat(s.getDouble(Setting.GEMINI_TEMPERATURE)).isEqualTo(0.2);
        assertThat(s.getInt(Setting.GEMINI_MAX_OUTPUT_TOKENS)).isEqualTo(4096);
    }

    @Test
    void should_refuse_a_maximum_retry_delay_below_the_first_one() {
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_RETRY_DELAY", "1m", "MAILER_RETRY_MAX_DELAY", "30s")))
                .hasMessage("MAILER_RETRY_MAX_DELAY=30s: must not be shorter than MAILER_RETRY_DELAY=1m");
    }

    @Test
    void should_refuse_to_send_the_smtp_password_in_clear_to_another_machine() {
        assertThatThrownBy(() -> Settings.of(Map.of("SMTP_SERVER", "192.0.2.25", "SMTP_SECURITY", "none",
                "SMTP_LOGIN", "mailer", "SMTP_PASSWORD", "s3cret")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SMTP_SECURITY=none: with SMTP_LOGIN set, SMTP_PASSWORD would go in clear to 192.0.2.25, "
                        + "which is not this machine: use starttls or ssl, or set SMTP_ALLOW_PLAINTEXT_AUTH=true if the "
                        + "network to it is trusted")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "127.0.0.1", "::1"})
    void should_allow_plain_text_auth_to_a_server_on_loopback(String server) {
        Settings s = Settings.of(Map.of("SMTP_SERVER", server, "SMTP_SECURITY", "none", "SMTP_LOGIN", "mailer"));

        assertThat(s.sendsPasswordInClear()).isFalse();
    }

    @Test
    void should_allow_plain_text_auth_elsewhere_only_when_the_operator_says_so() {
        Settings s = Settings.of(Map.of("SMTP_SERVER", "192.0.2.25", "SMTP_SECURITY", "none", "SMTP_LOGIN", "mailer",
                "SMTP_ALLOW_PLAINTEXT_AUTH", "true"));

        assertThat(s.sendsPasswordInClear()).as("allowed, and warned about at start").isTrue();
        assertThat(Settings.of(Map.of("SMTP_SERVER", "192.0.2.25", "SMTP_SECURITY", "none")).sendsPasswordInClear())
                .as("no login, no password").isFalse();
        assertThat(Settings.of(Map.of("SMTP_SERVER", "192.0.2.25", "SMTP_LOGIN", "mailer")).sendsPasswordInClear())
                .as("starttls by default").isFalse();
    }

    @Test
    void should_refuse_sentinels_without_a_master_name() {
        assertThatThrownBy(() -> Settings.of(Map.of("REDIS_SENTINELS", "s1:26379,s2:26379")))
                .hasMessage("REDIS_SENTINEL_MASTER=: must name the master when REDIS_SENTINELS is set");
    }

    @Test
    void should_never_show_a_secret_in_a_refusal() {
        assertThatThrownBy(() -> Settings.of(Map.of("REDIS_URL", "redis://user:s3cr3t-pw@redis:6379/x")))
                .hasMessage("REDIS_URL=redis://user:***@redis:6379/x: the database after '/' must be a number")
                .hasMessageNotContaining("s3cr3t-pw");
    }

    @Test
    void should_export_non_secret_settings_under_their_property_keys() {
        Settings s = Settings.of(Map.of("SMTP_SERVER", "smtp.example.com"));

        Properties p = s.toCamelProperties();

        assertThat(p).containsEntry("smtp.server", "smtp.example.com")
                .containsEntry("gemini.model", "gemini-flash-latest")
                .containsEntry("mailer.http.port", "5001");
    }

    @Test
    void should_keep_secrets_out_of_the_camel_properties() {
        Settings s = Settings.of(Map.of(
                "GEMINI_API_KEY", "AIza-secret-key-123", "SMTP_PASSWORD", "smtp-secret-456"));

        Properties p = s.toCamelProperties();

        assertThat(p).doesNotContainKeys("gemini.api-key", "smtp.password");
        assertThat(p.values()).doesNotContain("AIza-secret-key-123", "smtp-secret-456");
        assertThat(s.get(Setting.GEMINI_API_KEY)).isEqualTo("AIza-secret-key-123");
    }

    @Test
    void should_keep_jolokia_off_unless_asked_and_never_without_the_api_key() {
        assertThat(Settings.of(Map.of()).get(Setting.MAILER_JOLOKIA)).isEqualTo("off");
        assertThat(Settings.of(Map.of("MAILER_JOLOKIA", "Read-Write", "MAILER_API_KEY", "k")).get(Setting.MAILER_JOLOKIA))
                .isEqualTo("Read-Write");
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_JOLOKIA", "read-only")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MAILER_JOLOKIA=read-only: needs MAILER_API_KEY");
        assertThatThrownBy(() -> Settings.of(Map.of("MAILER_JOLOKIA", "on", "MAILER_API_KEY", "k")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MAILER_JOLOKIA=on: must be one of off, read-only, read-write");
    }
}
