package org.camelmailer.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;

import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;

import org.camelmailer.config.Durations;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP connection of the pooled sender: Angus Mail's SMTPTransport, speaking as a strict server expects.
 * <ul>
 * <li>It waits for the reply to the final dot as long as RFC 5321 §4.5.3.2.6 says (10 minutes: content filters and
 * milters answer then), not the command timeout, and says when a mail's fate is unknown
 * ({@link UncertainDeliveryException}). Angus Mail has one read timeout per connection ({@code mail.smtp.timeout}, the
 * socket's SO_TIMEOUT); this class lengthens it around that one read only, on the plain socket under any TLS layer,
 * taken from the socket factory Angus Mail is given ({@link #SOCKETS}).</li>
 * <li>It logs in itself, once, and says QUIT after a refusal; what no retry fixes (a refused login, STARTTLS missing,
 * a certificate refused, EHLO refused) is a {@link SmtpSetupException}.</li>
 * <li>It remembers a 421 (the server closing the channel, "too many connections"): back-pressure for the pool.</li>
 * </ul>
 */
final class SmtpConnection extends SMTPTransport {

    /**
     * Angus Mail's plain socket factory ({@code mail.smtp.socketFactory}): it opens the TCP socket on the thread that
     * connects, so the connection takes it from here right after. TLS (smtps, STARTTLS) is layered over it.
     */
    static final SocketFactory SOCKETS = new TrackingSocketFactory();

    private final Duration dataTimeout;
    private final long generation;
    private Socket socket;
    private boolean dataStarted;
    private boolean tlsStarted;
    private volatile String closingReply;

    SmtpConnection(Session session, String scheme, String host, int port, Duration dataTimeout, long generation) {
        super(session, new URLName(scheme, host, port, null, null, null), scheme, "smtps".equals(scheme));
        this.dataTimeout = dataTimeout;
        this.generation = generation;
    }

    /** The pool's allowance this connection was opened under (see PooledMailSender's back-pressure). */
    long generation() {
        return generation;
    }

    /**
     * Connects, greets and secures the connection, and logs in when {@code user} is set: once, with one mechanism. A
     * refused login ends with QUIT, as a client that leaves politely does (Angus Mail's own AUTH closes the socket
     * without it, and jakarta.mail's Service.connect then logs in a second time with the same credentials).
     */
    void open(String host, int port, String user, String password) throws MessagingException {
        TrackingSocketFactory.LAST.remove();
        try {
            // mail.smtp.auth is false: Angus Mail greets and starts TLS, the login is ours
            connect(host, port, null, null);
        } catch (MessagingException e) {
            throw setupFailure(e, host, port);
        } finally {
            socket = TrackingSocketFactory.LAST.get();
            TrackingSocketFactory.LAST.remove();
        }
        if (socket == null) {
            close();
            throw new IllegalStateException("Angus Mail did not open its socket through mail.smtp.socketFactory");
        }
        if (user != null && !user.isBlank()) {
            login(user, password == null ? "" : password);
        }
    }

    /**
     * What no retry fixes, made a {@link SmtpSetupException}: STARTTLS required but not offered, a certificate not
     * trusted or for another name, TLS spoken to a port that does not. Anything else (refused, timed out, a 4xx) as is.
     */
    private MessagingException setupFailure(MessagingException e, String host, int port) {
        if (e instanceof SmtpSetupException) {
            return e;
        }
        if (e.getMessage() != null && e.getMessage().startsWith("STARTTLS is required")) {
            return startTlsMissing(e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof GeneralSecurityException || t instanceof SSLPeerUnverifiedException
                    || text.startsWith("Server is not trusted") || text.startsWith("Unable to check server identity")) {
                return new SmtpSetupException("TLS: the certificate of " + host + ":" + port + " is not accepted (" + text
                        + "): it must name " + host + " and be signed by a CA this JVM trusts, or be trusted through "
                        + "SMTP_SSL_TRUST=" + host + ", which still checks the name", false, e);
            }
            if (t instanceof SSLException && text.contains("Unsupported or unrecognized SSL message")) {
                return new SmtpSetupException("TLS: " + host + ":" + port + " does not speak TLS on connect ("
                        + "SMTP_SECURITY=ssl is for a port such as 465; 587 and 25 use starttls)", false, e);
            }
        }
        return e;
    }

    private static SmtpSetupException startTlsMissing(Exception cause) {
        return new SmtpSetupException("STARTTLS is required (SMTP_SECURITY=starttls) but the server does not offer it: "
                + "nothing is sent in clear", false, cause);
    }

    /** After each EHLO: a server that does not offer STARTTLS when it is required gets QUIT at once. */
    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        boolean ok = super.ehlo(domain);
        if (ok && getRequireStartTLS() && !isSSL() && !tlsStarted && !supportsExtension("STARTTLS")) {
            quitInProtocol();
            throw startTlsMissing(null);
        }
        return ok;
    }

    /** EHLO refused, then HELO too: with a 5xx no mail will get through with this name (SMTP_HELO_NAME). */
    @Override
    protected void helo(String domain) throws MessagingException {
        try {
            super.helo(domain);
        } catch (MessagingException e) {
            int code = getLastReturnCode();
            if (code < 500) {
                throw e;
            }
            String reply = replyLine();
            quitInProtocol();
            throw new SmtpSetupException("the server refused EHLO " + domain + ": " + reply + " (SMTP_HELO_NAME sets "
                    + "the name: this machine's public name, or the sender's domain)", false, e);
        }
    }

    @Override
    protected void startTLS() throws MessagingException {
        super.startTLS();
        tlsStarted = true;
    }

    /** QUIT while still connecting (Angus Mail closes the socket when the exception leaves protocolConnect). */
    private void quitInProtocol() {
        try {
            sendCommand("QUIT");
            readServerResponse();
        } catch (MessagingException e) {
            // leaving anyway
        }
    }

    /** AUTH PLAIN (one round trip) where offered, else AUTH LOGIN; the credentials never reach a log. */
    private synchronized void login(String user, String password) throws MessagingException {
        String mechanism = supportsAuthentication("PLAIN") ? "PLAIN" : supportsAuthentication("LOGIN") ? "LOGIN" : null;
        if (mechanism == null) {
            String offered = supportsExtension("AUTH") ? "AUTH " + getExtensionParameter("AUTH") : "no AUTH";
            quit();
            throw new SmtpSetupException("SMTP_LOGIN is set but the server offers " + offered
                    + (supportsExtension("AUTH") ? " (this service speaks PLAIN and LOGIN)" : ""), false, null);
        }
        int code;
        if (mechanism.equals("PLAIN")) {
            code = simpleCommand("AUTH PLAIN " + base64("\0" + user + "\0" + password));
        } else {
            code = simpleCommand("AUTH LOGIN");
            if (code == 334) {
                code = simpleCommand(base64(user));
            }
            if (code == 334) {
                code = simpleCommand(base64(password));
            }
        }
        if (code == 235) {
            return;
        }
        String reply = replyLine();
        quit();
        if (code >= 400 && code < 500) {
            // 454 Temporary authentication failure: the server's auth service is away; says nothing of the credentials
            throw new AuthenticationFailedException(reply);
        }
        throw new SmtpSetupException("the server refused the login of SMTP_LOGIN=" + user + ": " + reply, true, null);
    }

    private String replyLine() {
        String reply = getLastServerResponse();
        return reply == null ? "" : reply.strip().replaceAll("\\s+", " ");
    }

    /** QUIT and close; a server that does not answer it is left anyway. */
    private void quit() {
        try {
            close();
        } catch (MessagingException e) {
            // closed anyway
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The first 421 reply this connection got (a greeting "too many connections", a server closing down), or null:
     * the server is closing the channel and asks for fewer connections.
     */
    String closingReply() {
        return closingReply;
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        int code = super.readServerResponse();
        if (code == 421 && closingReply == null) {
            String reply = getLastServerResponse();
            closingReply = reply == null ? "421" : reply.strip().replaceAll("\\s+", " ");
        }
        return code;
    }

    /** Whether the current (or last) message got as far as the DATA command: from there on it is never sent again. */
    boolean dataStarted() {
        return dataStarted;
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        dataStarted = false;
        super.sendMessage(message, addresses);
        // the server's reply to the end of data ("250 2.0.0 Ok: queued as 4Xyz"): the sent event tells it
        if (message instanceof FixedIdMimeMessage composed) {
            composed.serverReply(getLastServerResponse());
        }
    }

    @Override
    protected OutputStream data() throws MessagingException {
        dataStarted = true;
        return super.data();
    }

    /**
     * The final dot and its reply, read with the end-of-data timeout. A reply, whatever it says, is an outcome; no
     * reply at all (the timeout, or the connection lost) leaves the mail's fate unknown: the server may have taken it.
     */
    @Override
    protected void finishData() throws IOException, MessagingException {
        int commandTimeout = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, dataTimeout.toMillis()));
        try {
            super.finishData();
        } catch (SMTPSendFailedException e) {
            if (e.getReturnCode() >= 200) {
                throw e;
            }
            throw uncertain("the connection closed before the reply to the end of the message", e);
        } catch (MessagingException | IOException e) {
            throw uncertain("no reply to the end of the message within " + Durations.describe(dataTimeout)
                    + " (SMTP_DATA_TIMEOUT)", e);
        } finally {
            try {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(commandTimeout);
                }
            } catch (SocketException e) {
                // closed meanwhile: nothing more is read from it
            }
        }
    }

    /** Angus Mail closes a connection whose failure carries an IOException: this one must not be used again. */
    private static UncertainDeliveryException uncertain(String what, Exception cause) {
        IOException io = cause instanceof IOException x ? x : new IOException(cause.getMessage(), cause);
        return new UncertainDeliveryException(what + ": the server may have accepted it", io);
    }

    /** The plain sockets Angus Mail opens, handed to the connection that asked on the same thread. */
    private static final class TrackingSocketFactory extends SocketFactory {

        static final ThreadLocal<Socket> LAST = new ThreadLocal<>();

        @Override
        public Socket createSocket() {
            Socket s = new Socket();
            LAST.set(s);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new java.net.InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket s = createSocket();
            s.bind(new java.net.InetSocketAddress(localHost, localPort));
            s.connect(new java.net.InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new java.net.InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket s = createSocket();
            s.bind(new java.net.InetSocketAddress(localAddress, localPort));
            s.connect(new java.net.InetSocketAddress(address, port));
            return s;
        }
    }
}
