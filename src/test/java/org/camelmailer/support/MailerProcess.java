package org.camelmailer.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.camelmailer.config.Setting;

/**
 * The packaged service started as the README runs it ({@code java -jar target/camel-mailer.jar}) in a working
 * directory holding the project's routes/, prompts/ and application.properties, with the given environment only.
 */
public final class MailerProcess extends MailerHttp implements AutoCloseable {

    private final Process process;
    private final Path log;

    private MailerProcess(Process process, Path log, int port) {
        super(port, HttpClient.newHttpClient());
        this.process = process;
        this.log = log;
    }

    /** A fresh working directory with copies of the project's routes, prompts, templates and application.properties. */
    public static Path workingDirectory() {
        try {
            Path dir = TempDirs.create("mailer-run");
            for (String folder : new String[] {"routes", "prompts", "templates"}) {
                try (var files = Files.walk(Path.of(folder))) {
                    for (Path file : files.toList()) {
                        Path copy = dir.resolve(file.toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(copy);
                        } else {
                            Files.copy(file, copy);
                        }
                    }
                }
            }
            Files.copy(Path.of("application.properties"), dir.resolve("application.properties"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MailerProcess start(Path workDir, Map<String, String> env) {
        return start(workDir, env, List.of(), "/");
    }

    /** With JVM options (before -jar), started once {@code readyPath} answers 200. */
    public static MailerProcess start(Path workDir, Map<String, String> env, List<String> jvmOptions, String readyPath) {
        try {
            int port = env.containsKey("MAILER_HTTP_PORT") ? Integer.parseInt(env.get("MAILER_HTTP_PORT")) : 5001;
            Path log = Files.createTempFile(workDir, "mailer", ".log");
            MailerProcess mailer = new MailerProcess(builder(workDir, env, jvmOptions, log).start(), log, port);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                if (!mailer.process.isAlive()) {
                    throw new IllegalStateException("the service exited: " + mailer.output());
                }
                return mailer.get(readyPath).statusCode() == 200;
            });
            return mailer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a start that was meant to fail ended: the exit code, everything printed, and how long it took. */
    public record Exit(int code, String output, Duration took) {
    }

    /** Runs the packaged service until it exits by itself (a start that must fail); kills it after {@code limit}. */
    public static Exit runUntilExit(Path workDir, Map<String, String> env, Duration limit) {
        try {
            Path log = Files.createTempFile(workDir, "mailer", ".log");
            long started = System.nanoTime();
            Process process = builder(workDir, env, List.of(), log).start();
            if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("still running after " + limit + ": " + Files.readString(log));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            return new Exit(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), took);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code java [options] -jar target/camel-mailer.jar} in {@code workDir}, with {@code env} as its only settings. */
    private static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> jvmOptions, Path log)
            throws IOException {
        Path jar = Path.of("target", "camel-mailer.jar").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // Vert.x's file cache and the like go into the working directory, removed with it
        command.add("-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("tmp")));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        for (Setting s : Setting.values()) {
            builder.environment().remove(s.name());
        }
        builder.environment().remove(Setting.CELERY_BROKER_URL);
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder;
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -STOP: the process stands still (a long GC pause, a stopped VM) until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** kill -CONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
        }
    }

    /** kill -9: no shutdown hook, no cleanup, like a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as an operator or a container runtime stops it; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
