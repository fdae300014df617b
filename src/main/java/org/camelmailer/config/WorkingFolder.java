package org.camelmailer.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The folder {@code java -jar} runs in holds what operators edit without a rebuild: {@code application.properties}
 * (which also tells Camel to read the routes from {@code routes/}) and {@code routes/*.camel.yaml}. Without them the
 * service would start with no HTTP routes and fail on an unrelated port message: it stops at once instead (exit 2).
 */
public final class WorkingFolder {

    private WorkingFolder() {
    }

    /** Nothing when {@code dir} can serve; else a configuration error saying what is missing and where to run from. */
    public static void check(Path dir) {
        boolean properties = Files.isRegularFile(dir.resolve("application.properties"));
        boolean routes = hasRoutes(dir.resolve("routes"));
        if (properties && routes) {
            return;
        }
        String missing = !properties && !routes ? "application.properties and routes/*.camel.yaml are"
                : !properties ? "application.properties is" : "routes/*.camel.yaml is";
        throw new ConfigurationException(java.util.List.of(missing + " missing in " + dir.toAbsolutePath().normalize()
                + ": run java -jar from the project folder, or from a copy of its routes/, prompts/, templates/ and "
                + "application.properties"));
    }

    private static boolean hasRoutes(Path routes) {
        if (!Files.isDirectory(routes)) {
            return false;
        }
        try (Stream<Path> files = Files.list(routes)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".camel.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
