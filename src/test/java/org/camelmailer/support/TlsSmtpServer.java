package org.camelmailer.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) that requires STARTTLS and AUTH, with GreenMail's self-signed certificate;
 * recipients listed as rejected get a 550 at RCPT TO. It keeps what it received.
 */
public final class TlsSmtpServer implements AutoCloseable {

    /** One message as the server received it: the authenticated user and the raw RFC 5322 text. */
    public record Received(String user, List<String> recipients, String raw, String sessionId) {
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public TlsSmtpServer(String user, String password, Set<String> rejected) {
        this(FreePort.find(), user, password, rejected);
    }

    public TlsSmtpServer(int port, String user, String password, Set<String> rejected) {
        this.server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .requireTLS()
                .requireAuth()
                .startTlsSocketFactory(ScriptedSmtpServer.greenMailCertificate())
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, ctx) -> {
                    if (!user.equals(u) || !password.equals(p)) {
                        throw new LoginFailedException();
                    }
                }))
                .messageHandlerFactory(ctx -> new Handler(ctx, rejected))
                .build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements MessageHandler {
        private final MessageContext context;
        private final Set<String> rejected;
        private final List<String> recipients = new CopyOnWriteArrayList<>();

        Handler(MessageContext context, Set<String> rejected) {
            this.context = context;
            this.rejected = rejected;
        }

        @Override
        public void from(String from) {
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            if (rejected.contains(recipient)) {
                throw new RejectException(550, "5.1.1 <" + recipient + ">: Recipient address rejected");
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            data.transferTo(bytes);
            Object user = context.getAuthenticationHandler().map(h -> h.getIdentity()).orElse(null);
            received.add(new Received(String.valueOf(user), List.copyOf(recipients),
                    bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1), context.getSessionId()));
            return null;
        }

        @Override
        public void done() {
        }
    }
}
