package org.camelmailer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.util.FileSystemUtils;

/**
 * Temporary folders for the parts a test starts (Redis data, outbox, Gemini logs, service working directories,
 * browser profiles), deleted when the test JVM exits: a run leaves nothing behind in the system's temp folder.
 */
public final class TempDirs {

    private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CREATED.forEach(TempDirs::delete), "temp-dirs-cleanup"));
    }

    private TempDirs() {
    }

    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            CREATED.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try {
            FileSystemUtils.deleteRecursively(dir);
        } catch (IOException e) {
            // a process still writing there: the system's temp cleaner has the last word
        }
    }
}
