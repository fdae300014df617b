package org.camelmailer.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

import javax.net.SocketFactory;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;

import org.camelmailer.config.Durations;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP connection of the pooled sender: Angus Mail's SMTPTransport, waiting for the reply to the final dot as
 * long as RFC 5321 §4.5.3.2.6 says (10 minutes: content filters and milters answer then), not the command timeout,
 * and saying when a mail's fate is unknown. Angus Mail has one read timeout per connection ({@code mail.smtp.timeout},
 * the socket's SO_TIMEOUT); this class lengthens it around that one read only. The socket is the plain one under any
 * TLS layer, taken from the socket factory Angus Mail is given ({@link #SOCKETS}).
 */
final class SmtpConnection extends SMTPTransport {

    /**
     * Angus Mail's plain socket factory ({@code mail.smtp.socketFactory}): it opens the TCP socket on the thread that
     * connects, so the connection takes it from here right after. TLS (smtps, STARTTLS) is layered over it.
     */
    static final SocketFactory SOCKETS = new TrackingSocketFactory();

    private final Duration dataTimeout;
    private Socket socket;
    private boolean dataStarted;

    SmtpConnection(Session session, String scheme, String host, int port, Duration dataTimeout) {
        super(session, new URLName(scheme, host, port, null, null, null), scheme, "smtps".equals(scheme));
        this.dataTimeout = dataTimeout;
    }

    /** Connects, greets and secures the connection, and logs in when {@code user} is set. */
    void open(String host, int port, String user, String password) throws MessagingException {
        TrackingSocketFactory.LAST.remove();
        try {
            connect(host, port, user, password);
        } finally {
            socket = TrackingSocketFactory.LAST.get();
            TrackingSocketFactory.LAST.remove();
        }
        if (socket == null) {
            close();
            throw new IllegalStateException("Angus Mail did not open its socket through mail.smtp.socketFactory");
        }
    }

    /** Whether the current (or last) message got as far as the DATA command: from there on it is never sent again. */
    boolean dataStarted() {
        return dataStarted;
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        dataStarted = false;
        super.sendMessage(message, addresses);
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
