package org.camelmailer.support;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One page of Debian's headless Chromium ({@link HeadlessChromium}'s binary and flags) driven through the DevTools
 * protocol over the JDK's WebSocket: navigate, evaluate JavaScript (click, type, read the DOM), take a screenshot, and
 * collect what the page's console would show: console errors and warnings, uncaught exceptions, and the browser's
 * own log entries (CSP refusals, failed requests).
 */
public final class ChromiumPage implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process chromium;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    private ChromiumPage(Process chromium, WebSocket socket) {
        this.chromium = chromium;
        this.socket = socket;
    }

    /** Chromium started on about:blank in a window of {@code width} x {@code height}, its page attached. */
    public static ChromiumPage open(int width, int height) {
        Path profile = TempDirs.create("chromium-profile");
        List<String> command = HeadlessChromium.command(profile);
        command.addAll(List.of("--remote-debugging-port=0", "--window-size=" + width + "," + height,
                "--hide-scrollbars", "about:blank"));
        Process chromium = null;
        try {
            chromium = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            URI browser = URI.create(devToolsUrl(chromium));
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String pageUrl = null;
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").asText())) {
                    pageUrl = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("chromium shows no page: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), listener).join();
            ChromiumPage page = new ChromiumPage(chromium, socket);
            listener.page = page;
            page.call("Runtime.enable", Map.of());
            page.call("Log.enable", Map.of());
            page.call("Page.enable", Map.of());
            return page;
        } catch (IOException e) {
            stop(chromium);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            stop(chromium);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            stop(chromium);
            throw e;
        }
    }

    /** The browser's DevTools address, from the line Chromium writes on stderr once it listens. */
    private static String devToolsUrl(Process chromium) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(chromium.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = err.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                // keep draining stderr, or Chromium blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process ended
                    }
                }, "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("chromium ended before listening: " + seen);
    }

    /** Loads {@code url} and waits until its document is complete. */
    public void navigate(String url) {
        call("Page.navigate", Map.of("url", url));
        await().atMost(Duration.ofSeconds(20)).until(() -> "complete".equals(evaluate("document.readyState").asText()));
    }

    /** The value of a JavaScript expression in the page (a promise is awaited); an exception it throws fails the test. */
    public JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true, "userGesture", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** What a user sees of the element {@code selector} (its innerText), null when there is none. */
    public String text(String selector) {
        JsonNode v = evaluate("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " return e ? e.innerText : null; })()");
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    /** Clicks the element {@code selector}, which must be there. */
    public void click(String selector) {
        evaluate("document.querySelector(" + quote(selector) + ").click()");
    }

    /** Types {@code value} into the input {@code selector}, as its input events would. */
    public void type(String selector, String value) {
        evaluate("(() => { const e = document.querySelector(" + quote(selector) + "); e.focus(); e.value = "
                + quote(value) + "; e.dispatchEvent(new Event('input', {bubbles: true})); })()");
    }

    /** The page as a PNG. */
    public void screenshot(Path png) {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        try {
            Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console errors and warnings, uncaught exceptions and the browser's log entries seen so far. */
    public List<String> problems() {
        return new ArrayList<>(problems);
    }

    /** A JavaScript string literal of {@code value}. */
    public static String quote(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(message.toString(), true).join();
        try {
            JsonNode reply = answer.get(30, TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(method + " got no answer", e);
        } finally {
            pending.remove(id);
        }
    }

    private void received(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                    List<String> args = new ArrayList<>();
                    params.path("args").forEach(a -> args.add(a.has("value") ? a.get("value").asText()
                            : a.path("description").asText()));
                    problems.add("console." + type + ": " + String.join(" ", args));
                }
            }
            case "Runtime.exceptionThrown" -> problems.add("exception: " + params.path("exceptionDetails"));
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                String level = entry.path("level").asText();
                if (level.equals("error") || level.equals("warning")) {
                    problems.add("log " + level + " (" + entry.path("source").asText() + "): "
                            + entry.path("text").asText() + " " + entry.path("url").asText());
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
        stop(chromium);
    }

    private static void stop(Process chromium) {
        if (chromium == null) {
            return;
        }
        try {
            HeadlessChromium.kill(chromium);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gathers a message's parts (a long one arrives in several) and hands each whole message to the page. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile ChromiumPage page;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial.setLength(0);
                try {
                    // nothing is asked before the page is set, so nothing arrives before either
                    page.received(JSON.readTree(whole));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
