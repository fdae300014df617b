package org.camelmailer.ops;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's configuration, resolved once at start-up with the documented precedence:
 * process environment, then {@code ./.env}, then {@code ./application.properties}, then built-in defaults.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

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
        return new Settings(values, origins);
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

    public int getInt(Setting s) {
        try {
            return Integer.parseInt(get(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.name() + " must be a whole number, not '" + get(s) + "'");
        }
    }

    public Duration getDuration(Setting s) {
        return parseDuration(s.name(), get(s));
    }

    /** "30s", "5m", "24h", "1d", "250ms"; a bare number is seconds. */
    static Duration parseDuration(String name, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be a duration such as 30s, 5m or 24h, not '" + text + "'");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " is out of range: '" + text + "'");
        }
    }

    /** Every non-secret setting under its property key, for Camel's property placeholders in the YAML routes. */
    public Properties toCamelProperties() {
        Properties p = new Properties();
        for (Setting s : Setting.values()) {
            if (!s.secret()) {
                p.setProperty(s.key(), get(s));
            }
        }
        return p;
    }
}
