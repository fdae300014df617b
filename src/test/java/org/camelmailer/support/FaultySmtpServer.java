package org.camelmailer.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A plain SMTP server (SubEthaSMTP) for fault tests: it can be stopped and started again on the same port (an
 * outage), answers chosen recipients with a 4xx or 5xx reply at RCPT TO a given number of times (421 also drops
 * the connection, as a server closing down does), and records each accepted message by its Message-ID only,
 * so thousands of deliveries cost next to nothing.
 */
public final class FaultySmtpServer implements AutoCloseable {

    /** One accepted message: its Message-ID without the angle brackets, its envelope recipients, when it arrived. */
    public record Delivery(String messageId, List<String> recipients, long nanoTime, byte[] raw) {

        /** The message as received, parsed. */
        public jakarta.mail.internet.MimeMessage parsed() throws jakarta.mail.MessagingException {
            return new jakarta.mail.internet.MimeMessage(
                    jakarta.mail.Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(raw));
        }

        /** The task id, i.e. the left part of {@code <task_id@domain>}. */
        public String taskId() {
            int at = messageId.indexOf('@');
            return at < 0 ? messageId : messageId.substring(0, at);
        }
    }

    private record Rule(int code, AtomicInteger remaining) {
    }

    private final int port = FreePort.find();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> recipientAttempts = new ConcurrentHashMap<>();
    private volatile Duration dataDelay = Duration.ZERO;
    private SMTPServer server;

    public FaultySmtpServer() {
        start();
    }

    public int port() {
        return port;
    }

    /** Listens (again) on the same port. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .serverSocketFactory(() -> {
                    ServerSocket socket = new ServerSocket();
                    socket.setReuseAddress(true);
                    return socket;
                })
                .messageHandlerFactory(ctx -> new Handler())
                .build();
        server.start();
    }

    /** Closes the port and every open session: clients see connection refused until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** The next {@code times} RCPT TO for {@code recipient} get {@code code} (421 closes the connection). */
    public void reply(String recipient, int code, int times) {
        rules.put(recipient.toLowerCase(Locale.ROOT), new Rule(code, new AtomicInteger(times)));
    }

    /** Every RCPT TO for {@code recipient} gets {@code code}, for ever. */
    public void replyAlways(String recipient, int code) {
        reply(recipient, code, Integer.MAX_VALUE);
    }

    /** Holds each DATA this long before answering 250: widens the window in which a client can die mid-exchange. */
    public void slowDataBy(Duration delay) {
        this.dataDelay = delay;
    }

    /** RCPT TO commands seen for this recipient, answered 250 or not. */
    public int recipientAttempts(String recipient) {
        AtomicInteger n = recipientAttempts.get(recipient.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    public int deliveryCount() {
        synchronized (deliveries) {
            return deliveries.size();
        }
    }

    /** How many times each task id reached this server. */
    public Map<String, Long> countsByTaskId() {
        return deliveries().stream().collect(Collectors.groupingBy(Delivery::taskId, Collectors.counting()));
    }

    /** Messages beyond the first for each task id. */
    public long duplicates() {
        return countsByTaskId().values().stream().mapToLong(n -> n - 1).sum();
    }

    @Override
    public void close() {
        stop();
    }

    private final class Handler implements MessageHandler {
        private final List<String> recipients = new ArrayList<>();

        @Override
        public void from(String from) {
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            String key = recipient.toLowerCase(Locale.ROOT);
            recipientAttempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            Rule rule = rules.get(key);
            if (rule != null && rule.remaining().getAndDecrement() > 0) {
                if (rule.code() == 421) {
                    throw new DropConnectionException(421, "4.3.2 Service shutting down, closing channel");
                }
                throw new RejectException(rule.code(), (rule.code() >= 500 ? "5.1.1 <" : "4.7.1 <") + recipient
                        + ">: refused by the test");
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            byte[] raw = data.readAllBytes();
            String messageId = messageId(new String(raw, StandardCharsets.ISO_8859_1));
            if (!dataDelay.isZero()) {
                try {
                    Thread.sleep(dataDelay.toMillis()); // a slow server, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (deliveries) {
                deliveries.add(new Delivery(messageId, List.copyOf(recipients), System.nanoTime(), raw));
            }
            return null;
        }

        @Override
        public void done() {
        }
    }

    /** The Message-ID's content (folded lines included) from the header block, or "" if there is none. */
    static String messageId(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        String[] lines = (end < 0 ? raw : raw.substring(0, end)).split("\r\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].regionMatches(true, 0, "Message-ID:", 0, 11)) {
                StringBuilder id = new StringBuilder(lines[i].substring(11).strip());
                while (i + 1 < lines.length && (lines[i + 1].startsWith(" ") || lines[i + 1].startsWith("\t"))) {
                    id.append(lines[++i].strip());
                }
                return strip(id.toString());
            }
        }
        return "";
    }

    private static String strip(String id) {
        return id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
    }
}
