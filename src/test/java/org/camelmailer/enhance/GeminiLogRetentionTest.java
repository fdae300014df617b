package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeminiLogRetentionTest {

    private static final Instant NOW = Instant.parse("2026-11-28T04:46:37Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path day(String name) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.writeString(folder.resolve("20260101T000000000Z-task.json"), "{}");
        Files.createDirectories(folder.resolve("nested"));
        Files.writeString(folder.resolve("nested/.gemini-leftover.tmp"), "x");
        return folder;
    }

    private Stream<String> left() throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void should_remove_day_folders_once_all_they_hold_is_older_than_the_retention() throws Exception {
        day("2026-10-28");   // ended 2026-10-29T00:00Z: 30 days and 4 h ago
        day("2026-10-29");   // ends 2026-10-30T00:00Z: its last files are 29 days and 4 h old
        day("2026-11-27");
        day("2026-11-28");

        int removed = new GeminiLogRetention(dir, Duration.ofDays(30), CLOCK).removeExpired();

        assertThat(removed).isEqualTo(1);
        assertThat(left()).containsExactly("2026-10-29", "2026-11-27", "2026-11-28");
    }

    @Test
    void should_keep_today_and_yesterday_with_the_shortest_retention() throws Exception {
        day("2026-11-26");
        day("2026-11-27");   // ended 4 h ago
        day("2026-11-28");

        new GeminiLogRetention(dir, Duration.ofDays(1), CLOCK).removeExpired();

        assertThat(left()).containsExactly("2026-11-27", "2026-11-28");
    }

    @Test
    void should_remove_loose_files_of_earlier_versions_by_their_time_and_leave_anything_else() throws Exception {
        Path old = Files.writeString(dir.resolve("20251001T000000000Z-task.json"), "{}");
        Files.setLastModifiedTime(old, FileTime.from(NOW.minus(Duration.ofDays(31))));
        Path recent = Files.writeString(dir.resolve("20261127T000000000Z-task.json"), "{}");
        Files.setLastModifiedTime(recent, FileTime.from(NOW.minus(Duration.ofDays(1))));
        Path notes = Files.writeString(dir.resolve("README.txt"), "kept");
        Files.setLastModifiedTime(notes, FileTime.from(NOW.minus(Duration.ofDays(400))));
        Files.createDirectories(dir.resolve("archive"));
        Files.createDirectories(dir.resolve("2026-13-01"));

        new GeminiLogRetention(dir, Duration.ofDays(30), CLOCK).removeExpired();

        assertThat(left()).containsExactlyInAnyOrder("20261127T000000000Z-task.json", "2026-13-01", "README.txt", "archive");
    }

    @Test
    void should_do_nothing_when_the_folder_does_not_exist_yet() {
        assertThat(new GeminiLogRetention(dir.resolve("gemini_logs"), Duration.ofDays(30), CLOCK).removeExpired()).isZero();
    }
}
