package org.camelmailer.enhance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import org.camelmailer.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enhance step, housekeeping (the timer route enhance-log-retention): removes the day folders of GEMINI_LOG_DIR once
 * everything in them is older than GEMINI_LOG_RETENTION, and the files earlier versions wrote straight into the
 * folder once they are. The log keeps every message's text: it is kept for a while, not for ever.
 */
public final class GeminiLogRetention {

    private static final Logger LOG = LoggerFactory.getLogger(GeminiLogRetention.class);

    private final Path dir;
    private final Duration retention;
    private final Clock clock;

    public GeminiLogRetention(Path dir, Duration retention) {
        this(dir, retention, Clock.systemUTC());
    }

    GeminiLogRetention(Path dir, Duration retention, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Removes what is past the retention; returns how many day folders and old files went. */
    public int removeExpired() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant keepFrom = clock.instant().minus(retention);
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (expired(entry, keepFrom)) {
                    delete(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the Gemini log folder " + dir, e);
        }
        if (removed > 0) {
            LOG.info("removed {} Gemini log folder(s) and file(s) older than {} from {}", removed,
                    Durations.describe(retention), dir);
        }
        return removed;
    }

    /** A day folder ends at the next midnight UTC; a loose .json file (earlier versions) is judged by its time. */
    private static boolean expired(Path entry, Instant keepFrom) throws IOException {
        String name = entry.getFileName().toString();
        try {
            if (Files.isDirectory(entry)) {
                LocalDate day = LocalDate.parse(name, GeminiExchangeLog.DAY);
                return !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(keepFrom);
            }
            if (Files.isRegularFile(entry) && name.endsWith(".json")) {
                return Files.getLastModifiedTime(entry).toInstant().isBefore(keepFrom);
            }
        } catch (DateTimeParseException e) {
            // not a day folder of ours: left alone
        } catch (NoSuchFileException e) {
            // removed meanwhile (another worker sharing the folder)
        }
        return false;
    }

    private static void delete(Path entry) throws IOException {
        Files.walkFileTree(entry, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path folder, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(folder);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
