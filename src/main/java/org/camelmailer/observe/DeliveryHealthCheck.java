package org.camelmailer.observe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.camelmailer.deliver.SmtpCircuit;

/**
 * Readiness of the worker's delivery side: SMTP delivery is not paused (the server refused the login, or TLS cannot
 * work as configured: the message says which, and when the next check runs) and the SMTP server accepts a TCP
 * connection; or, in outbox mode, the outbox folder is writable.
 */
public final class DeliveryHealthCheck extends AbstractHealthCheck {

    private static final int CONNECT_TIMEOUT_MS = 2000;

    private final String smtpHost;
    private final int smtpPort;
    private final Path outbox;
    private final SmtpCircuit circuit;
    private final boolean plainGreeting;

    private DeliveryHealthCheck(String smtpHost, int smtpPort, boolean plainGreeting, Path outbox, SmtpCircuit circuit) {
        super("mailer", outbox == null ? "smtp" : "outbox");
        this.smtpHost = smtpHost;
        this.smtpPort = smtpPort;
        this.plainGreeting = plainGreeting;
        this.outbox = outbox;
        this.circuit = circuit;
    }

    /**
     * {@code plainGreeting}: the server greets in clear (smtp, with or without STARTTLS), so the check reads the greeting
     * and says QUIT like any polite client; false for implicit TLS (smtps), where it only connects.
     */
    public static DeliveryHealthCheck smtp(String host, int port, boolean plainGreeting, SmtpCircuit circuit) {
        return new DeliveryHealthCheck(host, port, plainGreeting, null, circuit);
    }

    public static DeliveryHealthCheck outbox(Path dir) {
        return new DeliveryHealthCheck(null, 0, false, dir, null);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (outbox != null) {
            try {
                Files.createDirectories(outbox);
            } catch (IOException e) {
                builder.down().message("outbox folder cannot be created: " + outbox);
                return;
            }
            if (Files.isWritable(outbox)) {
                builder.up().detail("outbox", outbox.toString());
            } else {
                builder.down().message("outbox folder is not writable: " + outbox);
            }
            return;
        }
        SmtpCircuit.Open paused = circuit == null ? null : circuit.state();
        if (paused != null) {
            builder.down().message(paused.describe())
                    .detail("smtp", smtpHost + ":" + smtpPort).detail("smtp.paused.since", paused.since().toString())
                    .detail("smtp.paused.next.check", paused.retryAt().toString());
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(smtpHost, smtpPort), CONNECT_TIMEOUT_MS);
            if (plainGreeting) {
                // a connection dropped without QUIT is logged by the server ("lost connection after CONNECT") at every
                // probe: greet, and leave as a client should
                socket.setSoTimeout(CONNECT_TIMEOUT_MS);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String greeting = reply(in);
                socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                reply(in);
                if (!greeting.startsWith("220")) {
                    builder.down().message("SMTP server " + smtpHost + ":" + smtpPort + " does not take mail now: "
                            + greeting);
                    return;
                }
            }
            builder.up().detail("smtp", smtpHost + ":" + smtpPort);
        } catch (IOException e) {
            builder.down().message("SMTP server " + smtpHost + ":" + smtpPort + " does not accept connections: "
                    + e.getMessage());
        }
    }

    /** The last line of one (possibly multi-line) SMTP reply, at most 200 characters; "" when the server closed. */
    private static String reply(BufferedReader in) throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        String text = line == null ? "" : line.replaceAll("\\p{Cntrl}", "");
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
