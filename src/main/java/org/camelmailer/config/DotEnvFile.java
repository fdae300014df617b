package org.camelmailer.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file the way python-dotenv (which the Flask mailer used) does for the common forms:
 * {@code KEY=value}, {@code export KEY=value}, single or double quotes, {@code #} comments.
 * A line that is none of those is an error naming the file and line, not a silent skip.
 */
public final class DotEnvFile {

    private static final Pattern ENTRY = Pattern.compile(
            "^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(.*?)\\s*$");

    private DotEnvFile() {
    }

    /** The entries of {@code file}, or none when it does not exist. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Map<String, String> parse(String name, List<String> lines) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches()) {
                // the line itself is not shown: it may hold a secret
                throw new ConfigurationException(List.of(name + ":" + (i + 1) + ": not a KEY=value line"));
            }
            entries.put(m.group(1), unquote(m.group(2), name, i + 1));
        }
        return entries;
    }

    private static String unquote(String raw, String name, int lineNo) {
        if (raw.isEmpty()) {
            return raw;
        }
        char first = raw.charAt(0);
        if (first == '"' || first == '\'') {
            int end = raw.indexOf(first, 1);
            while (first == '"' && end > 0 && raw.charAt(end - 1) == '\\') {
                end = raw.indexOf(first, end + 1);
            }
            if (end < 0) {
                throw new ConfigurationException(List.of(name + ":" + lineNo + ": unterminated " + first + " quote"));
            }
            String rest = raw.substring(end + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new ConfigurationException(List.of(name + ":" + lineNo + ": text after the closing quote"));
            }
            String inner = raw.substring(1, end);
            return first == '"' ? inner.replace("\\n", "\n").replace("\\\"", "\"") : inner;
        }
        // an unquoted value ends at " #", like python-dotenv
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
