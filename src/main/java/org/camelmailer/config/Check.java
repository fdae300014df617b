package org.camelmailer.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.camelmailer.message.EmailAddress;

/**
 * What a setting's value must look like: each check answers the problem with a value (said so that it reads after
 * {@code NAME=value: }) or null when the value is fine. Every setting has one, run once when the settings load.
 */
@FunctionalInterface
interface Check {

    String problem(String value);

    /** Anything, including nothing. */
    static Check any() {
        return v -> null;
    }

    /** Something, not blank. */
    static Check required() {
        return v -> v.isBlank() ? "must not be empty" : null;
    }

    /** Empty, or what {@code then} accepts. */
    default Check orEmpty() {
        return v -> v.isBlank() ? null : problem(v);
    }

    static Check port() {
        return whole(1, 65535, "must be a port number from 1 to 65535");
    }

    static Check whole(int min, int max) {
        return whole(min, max, "must be a whole number from " + min + " to " + max);
    }

    private static Check whole(int min, int max, String problem) {
        return v -> {
            try {
                int n = Integer.parseInt(v.strip());
                return n < min || n > max ? problem : null;
            } catch (NumberFormatException e) {
                return problem;
            }
        };
    }

    /** A decimal number written plainly (0.2, 1, 1.5), from {@code min} to {@code max}. */
    static Check decimal(double min, double max) {
        String problem = "must be a number from " + plain(min) + " to " + plain(max) + " (such as 0.2)";
        return v -> {
            if (!v.strip().matches("\\d{1,9}(\\.\\d{1,9})?")) {
                return problem;
            }
            double d = Double.parseDouble(v.strip());
            return d < min || d > max ? problem : null;
        };
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A duration (see {@link Durations}) of at least {@code min}; {@code why} says why not less. */
    static Check duration(Duration min, String why) {
        return new DurationCheck(min, why);
    }

    /** The check of a duration setting: such settings reach Camel in one unambiguous form. */
    record DurationCheck(Duration min, String why) implements Check {
        @Override
        public String problem(String value) {
            Duration d;
            try {
                d = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            if (d.compareTo(min) < 0) {
                return "must be at least " + Durations.describe(min) + (why.isEmpty() ? "" : ": " + why);
            }
            return null;
        }
    }

    static Check bool() {
        return v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? null : "must be true or false";
    }

    static Check oneOf(String... values) {
        return v -> Arrays.stream(values).anyMatch(x -> x.equalsIgnoreCase(v.strip())) ? null
                : "must be one of " + String.join(", ", values);
    }

    /** A check that throws IllegalArgumentException with the problem as its message (parsers of other stages). */
    static Check parses(Consumer<String> parser) {
        return v -> {
            try {
                parser.accept(v);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        };
    }

    Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]+");

    /** A host name or an IP address, without a scheme or a port (a common slip: smtp://mail.example.org). */
    static Check host() {
        return v -> HOST.matcher(v.strip()).matches() ? null
                : "must be a host name or an IP address (no scheme, no port)";
    }

    /** One e-mail address, with a display name or without (SENDER_EMAIL): what the mail composer will parse. */
    static Check emailAddress() {
        return v -> {
            try {
                EmailAddress.parse(v);
                return null;
            } catch (IllegalArgumentException e) {
                return "must be one e-mail address such as mailer@example.org or 'Mailer <mailer@example.org>': it "
                        + e.getMessage();
            }
        };
    }

    /** A domain name, internationalised or not (a recipient allow-list entry); no IP address. */
    static Check domain() {
        return v -> {
            try {
                EmailAddress.asciiDomain(v.strip());
                return null;
            } catch (IllegalArgumentException e) {
                return "must be a domain name such as example.org: it " + e.getMessage();
            }
        };
    }

    /** What EHLO may say (RFC 5321 4.1.4): a domain name, or an address literal such as [192.0.2.1]. */
    static Check heloName() {
        return v -> {
            String name = v.strip();
            if (name.matches("\\[(\\d{1,3}(\\.\\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)]")) {
                return null;
            }
            if (!name.matches("[A-Za-z0-9.-]+")) {
                return "must be a domain name such as mail.example.org (ASCII) or an address literal such as [192.0.2.1]";
            }
            return domain().problem(name);
        };
    }

    /** A host name this machine can resolve now: an address to listen on. */
    static Check resolvable() {
        return v -> {
            String problem = host().problem(v);
            if (problem != null) {
                return problem;
            }
            try {
                InetAddress.getByName(v.strip());
                return null;
            } catch (UnknownHostException e) {
                return "cannot be resolved to an address of this machine";
            }
        };
    }

    /** Comma-separated entries, each one {@code entry} accepts. */
    static Check listOf(Check entry) {
        return v -> {
            for (String item : v.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                String problem = entry.problem(item.strip());
                if (problem != null) {
                    return "'" + item.strip() + "' " + problem;
                }
            }
            return null;
        };
    }

    /** An http or https URL with a host. */
    static Check httpUrl() {
        return v -> {
            try {
                URI uri = new URI(v.strip());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                        && uri.getQuery() == null && uri.getFragment() == null) {
                    return null;
                }
            } catch (java.net.URISyntaxException e) {
                // refused below
            }
            return "must be an http:// or https:// URL without a query";
        };
    }

    /** A name safe inside a URL path segment (a Gemini model: gemini-2.5-flash). */
    static Check name() {
        return v -> v.strip().matches("[A-Za-z0-9._-]+") ? null : "must be letters, digits, '.', '_' or '-' only";
    }
}
