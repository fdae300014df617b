package org.camelmailer.config;

import java.util.List;

/**
 * A setting the service cannot run with, said in one form: {@code NAME=value: what is wrong}. The start stops
 * with exit code {@link #EXIT_CODE} whichever stage finds it (settings at load, Redis refusing the password...).
 */
public class ConfigurationException extends IllegalArgumentException {

    /** The exit code of every configuration error (1 is "cannot start" for other reasons: Redis down, port taken). */
    public static final int EXIT_CODE = 2;

    private final List<String> problems;

    /** One problem with setting {@code name}; {@code shownValue} is the value as it may be printed (secrets masked). */
    public ConfigurationException(String name, String shownValue, String problem) {
        this(List.of(line(name, shownValue, problem)));
    }

    /** Problems already written as {@link #line}s. */
    public ConfigurationException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " settings are wrong: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** {@code NAME=value: problem}, the form every configuration error takes. */
    public static String line(String name, String shownValue, String problem) {
        return name + "=" + shownValue + ": " + problem;
    }

    public List<String> problems() {
        return problems;
    }

    /** The configuration error somewhere in {@code t}'s cause chain, or null: Camel wraps what a start step throws. */
    public static ConfigurationException in(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof ConfigurationException c) {
                return c;
            }
        }
        return null;
    }
}
