package org.camelmailer.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The service's configuration, resolved once at start-up with the documented precedence:
 * process environment, then {@code ./.env}, then {@code ./application.properties}, then built-in defaults.
 */
public final class Settings {

    private final Map<Setting, String> values;
    private final Map<Setting, String> origins;

    private Settings(Map<Setting, String> values, Map<Setting, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** Resolves every setting from the working directory {@code dir} and the given environment. */
    public static Settings load(Path dir, Map<String, String> environment) {
        Map<String, String> dotEnv = DotEnvFile.read(dir.resolve(".env"));
        Properties properties = readProperties(dir.resolve("application.properties"));
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        Map<Setting, String> origins = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String value = lookup(environment, s);
            String origin = "environment";
            if (value == null) {
                value = lookup(dotEnv, s);
                origin = ".env";
            }
            if (value == null && properties.getProperty(s.key()) != null
                    && !properties.getProperty(s.key()).isBlank()) {
                value = properties.getProperty(s.key()).strip();
                origin = "application.properties";
            }
            if (value == null) {
                value = s.defaultValue();
                origin = "default";
            }
            values.put(s, value);
            origins.put(s, origin);
        }
        Settings settings = new Settings(values, origins);
        settings.validate();
        return settings;
    }

    /**
     * Every setting checked at once, before anything starts: all the problems in one {@link ConfigurationException}
     * ({@code NAME=value: what is wrong}), so an operator fixes them in one go.
     */
    private void validate() {
        List<String> problems = new ArrayList<>();
        for (Setting s : Setting.values()) {
            String problem = s.problem(get(s));
            if (problem != null) {
                problems.add(ConfigurationException.line(s.name(), s.shown(get(s)), problem));
            }
        }
        if (problems.isEmpty()) {
            notBelow(Setting.MAILER_RETRY_MAX_DELAY, Setting.MAILER_RETRY_DELAY, problems);
            notBelow(Setting.GEMINI_RETRY_MAX_DELAY, Setting.GEMINI_RETRY_DELAY, problems);
            if (sendsPasswordInClear() && !getBoolean(Setting.SMTP_ALLOW_PLAINTEXT_AUTH)) {
                problems.add(ConfigurationException.line(Setting.SMTP_SECURITY.name(), get(Setting.SMTP_SECURITY),
                        "with SMTP_LOGIN set, SMTP_PASSWORD would go in clear to " + get(Setting.SMTP_SERVER)
                        + ", which is not this machine: use starttls or ssl, or set SMTP_ALLOW_PLAINTEXT_AUTH=true if "
                        + "the network to it is trusted"));
            }
            if (isSet(Setting.REDIS_SENTINELS) && !isSet(Setting.REDIS_SENTINEL_MASTER)) {
                problems.add(ConfigurationException.line(Setting.REDIS_SENTINEL_MASTER.name(), "",
                        "must name the master when REDIS_SENTINELS is set"));
            }
            if (!"off".equalsIgnoreCase(get(Setting.MAILER_JOLOKIA)) && !isSet(Setting.MAILER_API_KEY)) {
                problems.add(ConfigurationException.line(Setting.MAILER_JOLOKIA.name(), get(Setting.MAILER_JOLOKIA),
                        "needs MAILER_API_KEY: Jolokia reads every MBean of this JVM (and with read-write runs their "
                        + "operations), so it is never served without the key"));
            }
            if (isSet(Setting.MAILER_WEBHOOK_URL) && !isSet(Setting.MAILER_WEBHOOK_SECRET)) {
                problems.add(ConfigurationException.line(Setting.MAILER_WEBHOOK_SECRET.name(), "",
                        "must be set when MAILER_WEBHOOK_URL is set: receivers verify each webhook's signature with it"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /**
     * SMTP_SECURITY=none with a login, to a server that is not on loopback: the password would cross the network in
     * clear (AUTH PLAIN or LOGIN is base64, not encryption).
     */
    public boolean sendsPasswordInClear() {
        return isSet(Setting.SMTP_SERVER) && isSet(Setting.SMTP_LOGIN)
                && "none".equalsIgnoreCase(get(Setting.SMTP_SECURITY).strip()) && !loopback(get(Setting.SMTP_SERVER));
    }

    /** True when every address the host resolves to is a loopback one (an unresolvable host is not). */
    private static boolean loopback(String host) {
        try {
            String name = host.strip().replaceAll("^\\[|]$", "");
            InetAddress[] addresses = InetAddress.getAllByName(name);
            return addresses.length > 0 && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void notBelow(Setting max, Setting min, List<String> problems) {
        if (getDuration(max).compareTo(getDuration(min)) < 0) {
            problems.add(ConfigurationException.line(max.name(), get(max), "must not be shorter than "
                    + min.name() + "=" + get(min)));
        }
    }

    /** Settings from a plain map of env names, for tests: nothing read from disk. */
    public static Settings of(Map<String, String> environment) {
        return load(Path.of("/nonexistent-camel-mailer-dir"), environment);
    }

    private static String lookup(Map<String, String> source, Setting s) {
        String value = source.get(s.name());
        if ((value == null || value.isBlank()) && s == Setting.REDIS_URL) {
            value = source.get(Setting.CELERY_BROKER_URL);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Properties readProperties(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }

    public String get(Setting s) {
        return values.get(s);
    }

    /** Where a value came from (environment, .env, application.properties, default): logged at start. */
    public String origin(Setting s) {
        return origins.get(s);
    }

    public boolean isSet(Setting s) {
        return !get(s).isBlank();
    }

    public boolean isDefault(Setting s) {
        return "default".equals(origin(s));
    }

    /** A whole-number setting (checked when the settings loaded). */
    public int getInt(Setting s) {
        try {
            return Integer.parseInt(get(s));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(s.name(), s.shown(get(s)), "must be a whole number");
        }
    }

    /** A decimal setting (checked when the settings loaded). */
    public double getDouble(Setting s) {
        try {
            return Double.parseDouble(get(s).strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(s.name(), s.shown(get(s)), "must be a number");
        }
    }

    /** A duration setting (checked when the settings loaded), read by the service's one duration parser. */
    public Duration getDuration(Setting s) {
        try {
            return Durations.parse(get(s));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(s.name(), s.shown(get(s)), e.getMessage());
        }
    }

    /** A true/false setting (checked when the settings loaded). */
    public boolean getBoolean(Setting s) {
        return Boolean.parseBoolean(get(s).strip());
    }

    /** Every non-secret setting under its property key, for Camel's property placeholders in the YAML routes. */
    public Properties toCamelProperties() {
        Properties p = new Properties();
        for (Setting s : Setting.values()) {
            if (!s.secret()) {
                // a duration goes to Camel in milliseconds with its unit: no later reader can take it for another unit
                p.setProperty(s.key(), s.isDuration() ? Durations.format(getDuration(s)) : get(s));
            }
        }
        return p;
    }
}
