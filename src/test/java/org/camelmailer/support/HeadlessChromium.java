package org.camelmailer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, run once per page: it loads the URL, lets the page's scripts and their network
 * requests finish (virtual time waits for pending fetches), and prints the resulting DOM. A fresh profile each time.
 */
public final class HeadlessChromium {

    public static final Path BINARY = Path.of("/usr/bin/chromium");
    /** What CI needs to have it: the line for .ci/run. */
    public static final String INSTALL = "command -v chromium || (apt-get update && apt-get install -y chromium)";

    private HeadlessChromium() {
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The DOM of {@code url} once its scripts are done; fails if Chromium takes longer than {@code timeout}. */
    public static String dumpDom(String url, Duration timeout) {
        return dumpDom(url, timeout, List.of());
    }

    /**
     * The same, with {@code names} resolved to 127.0.0.1 by Chromium itself: a page served on loopback then has the
     * origin of a web site ({@code http://evil.example:<port>}), as one fetched from the Internet would.
     */
    public static String dumpDom(String url, Duration timeout, List<String> names) {
        return load(url, timeout, names).dom();
    }

    /** A page as Chromium left it: its DOM, and Chromium's log, where the page's console messages are. */
    public record Page(String dom, String log) {

        /**
         * What the page wrote to its console: errors, uncaught exceptions and CSP refusals among it (headless Chromium
         * logs every console line at one level, so a page that should be quiet is checked for none at all).
         */
        public List<String> console() {
            return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }
    }

    /** Chromium headless on a fresh {@code profile}, with what a test run needs off: add a mode and a URL. */
    static List<String> command(Path profile) {
        return new java.util.ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
    }

    /** {@link #dumpDom}, with Chromium's log (the page's console lines among it). */
    public static Page load(String url, Duration timeout) {
        return load(url, timeout, List.of());
    }

    private static Page load(String url, Duration timeout, List<String> names) {
        try {
            Path profile = TempDirs.create("chromium-profile");
            Path stderr = profile.resolve("chromium.log");
            List<String> command = command(profile);
            command.addAll(List.of("--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0"));
            if (!names.isEmpty()) {
                command.add("--host-resolver-rules=" + String.join(", ",
                        names.stream().map(n -> "MAP " + n + " 127.0.0.1").toList()));
                // no https:// attempt first for these names: the page server speaks plain HTTP
                command.add("--disable-features=HttpsUpgrades");
            }
            command.add("--dump-dom");
            command.add(url);
            Process chromium = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            chromium.getOutputStream().close();
            // read stdout while it runs: a full pipe would block it
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!chromium.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(chromium);
                throw new IllegalStateException("chromium did not finish within " + timeout + ": "
                        + Files.readString(stderr));
            }
            String dom = out.join();
            if (chromium.exitValue() != 0 || dom.isBlank()) {
                throw new IllegalStateException("chromium exited " + chromium.exitValue() + ": " + Files.readString(stderr));
            }
            return new Page(dom, Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The process this class started and its own children (renderer, GPU, zygote), nothing else. */
    static void kill(Process chromium) throws InterruptedException {
        chromium.descendants().forEach(ProcessHandle::destroyForcibly);
        chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
