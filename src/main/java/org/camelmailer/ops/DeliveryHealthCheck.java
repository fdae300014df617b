package org.camelmailer.ops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    private DeliveryHealthCheck(String smtpHost, int smtpPort, Path outbox, SmtpCircuit circuit) {
        super("mailer", outbox == null ? "smtp" : "outbox");
        this.smtpHost = smtpHost;
        this.smtpPort = smtpPort;
        this.outbox = outbox;
        this.circuit = circuit;
    }

    public static DeliveryHealthCheck smtp(String host, int port, SmtpCircuit circuit) {
        return new DeliveryHealthCheck(host, port, null, circuit);
    }

    public static DeliveryHealthCheck outbox(Path dir) {
        return new DeliveryHealthCheck(null, 0, dir, null);
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
            builder.up().detail("smtp", smtpHost + ":" + smtpPort);
        } catch (IOException e) {
            builder.down().message("SMTP server " + smtpHost + ":" + smtpPort + " does not accept connections: "
                    + e.getMessage());
        }
    }
}
