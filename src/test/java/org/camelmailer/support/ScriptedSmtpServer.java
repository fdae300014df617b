package org.camelmailer.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable SMTP server on raw sockets, for the behaviour of a strict real server (Postfix with Dovecot SASL, a
 * milter, smtpd_client_connection_count_limit, reject_non_fqdn_helo_hostname) that a test asks for: a slow answer to
 * the final dot, 454 or 535 to AUTH, 504 to a non-FQDN EHLO, 421 from the Nth concurrent connection on, STARTTLS
 * offered or not (with GreenMail's self-signed certificate, whose name is no host's), chosen RCPT and end-of-DATA
 * replies, and an idle timeout after which it closes the connection as Postfix does ({@code timeout after
 * END-OF-MESSAGE}). It counts connections, logins, QUITs, idle timeouts and connections dropped without QUIT, and
 * records each message it took (at the final dot, as Postfix does, whether the client waits for the reply or not).
 * Every setting may change while it runs.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** One message as received: its Message-ID (no angle brackets), the EHLO name and login of its session. */
    public record Message(String messageId, String ehloName, String user, List<String> recipients, String raw) {
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final SSLContext tls = greenMailCertificate();

    private volatile String greeting = "220 scripted.example ESMTP";
    private volatile String rcptReply = "250 2.1.5 Ok";
    private volatile Duration rcptDelay = Duration.ZERO;
    private volatile String dataReply = "250 2.0.0 Ok: queued";
    private volatile Duration endOfDataDelay = Duration.ZERO;
    private volatile boolean offerStartTls;
    private volatile String user;
    private volatile String password;
    private volatile String authReply;
    private volatile boolean requireFqdnHelo;
    private volatile int refuseFrom;
    private volatile String refusal = "421 4.7.0 scripted.example Error: too many connections from 127.0.0.1";
    private volatile Duration idleTimeout = Duration.ofMinutes(5);

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger loginsOk = new AtomicInteger();
    private final AtomicInteger loginsFailed = new AtomicInteger();
    private final AtomicInteger quits = new AtomicInteger();
    private final AtomicInteger idleTimeouts = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final List<String> ehloNames = new CopyOnWriteArrayList<>();
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    public ScriptedSmtpServer() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The reply to every RCPT TO, e.g. {@code 550 5.1.1 <x>: Recipient address rejected}. */
    public ScriptedSmtpServer rcptReply(String reply) {
        this.rcptReply = reply;
        return this;
    }

    /** Waits this long before answering RCPT TO (a slow command, not a slow end of data). */
    public ScriptedSmtpServer slowRcpt(Duration delay) {
        this.rcptDelay = delay;
        return this;
    }

    /** The reply to the final dot. */
    public ScriptedSmtpServer dataReply(String reply) {
        this.dataReply = reply;
        return this;
    }

    /** Waits this long after the final dot before answering (Postfix: smtpd_end_of_data_restrictions = sleep,N). */
    public ScriptedSmtpServer slowEndOfData(Duration delay) {
        this.endOfDataDelay = delay;
        return this;
    }

    /** Offers STARTTLS (GreenMail's self-signed certificate); AUTH is then offered only after it, as Postfix does. */
    public ScriptedSmtpServer offerStartTls(boolean offer) {
        this.offerStartTls = offer;
        return this;
    }

    /** Offers AUTH PLAIN and LOGIN and accepts these credentials (null: no AUTH offered). */
    public ScriptedSmtpServer login(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** Answers every AUTH with this instead of checking the credentials, e.g. 454 (null: check them). */
    public ScriptedSmtpServer authReply(String reply) {
        this.authReply = reply;
        return this;
    }

    /** Refuses EHLO and HELO with a name that is neither a fully-qualified domain nor an address literal (504). */
    public ScriptedSmtpServer requireFqdnHelo(boolean require) {
        this.requireFqdnHelo = require;
        return this;
    }

    /** From the {@code n}th concurrent connection on, greets with {@code reply} (a 421) and closes (0: never). */
    public ScriptedSmtpServer refuseFrom(int n, String reply) {
        this.refusal = reply;
        this.refuseFrom = n;
        return this;
    }

    /** Closes a connection idle this long with a 421, as Postfix does after smtpd_timeout. */
    public ScriptedSmtpServer idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    public int connections() {
        return connections.get();
    }

    /** The most connections open at once. */
    public int maxConcurrentConnections() {
        return maxActive.get();
    }

    public int openConnections() {
        return active.get();
    }

    /** Connections greeted with the {@link #refuseFrom} reply. */
    public int refused() {
        return refused.get();
    }

    public int loginsOk() {
        return loginsOk.get();
    }

    /** AUTH exchanges that did not end in 235. */
    public int loginsFailed() {
        return loginsFailed.get();
    }

    public int quits() {
        return quits.get();
    }

    /** Connections this server closed because the client left them idle (Postfix: timeout after ...). */
    public int idleTimeouts() {
        return idleTimeouts.get();
    }

    /** Connections the client closed without QUIT. */
    public int droppedWithoutQuit() {
        return dropped.get();
    }

    public List<String> ehloNames() {
        return List.copyOf(ehloNames);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** How many copies of each Message-ID arrived. */
    public Map<String, Long> copiesByMessageId() {
        return messages.stream().collect(Collectors.groupingBy(Message::messageId, Collectors.counting()));
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> session(socket), "scripted-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void session(Socket socket) {
        clients.add(socket);
        connections.incrementAndGet();
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        try (socket) {
            int limit = refuseFrom;
            if (limit > 0 && now >= limit) {
                refused.incrementAndGet();
                Conversation c = new Conversation(socket);
                c.reply(refusal);
                socket.setSoTimeout(2000);
                String line = c.in.readLine();
                if (line != null && line.toUpperCase(Locale.ROOT).startsWith("QUIT")) {
                    quits.incrementAndGet();
                    c.reply("221 2.0.0 Bye");
                } else if (line == null) {
                    dropped.incrementAndGet();
                }
                return;
            }
            new Conversation(socket).run();
        } catch (IOException e) {
            // the client hung up, or the test closed the server
        } finally {
            active.decrementAndGet();
            clients.remove(socket);
        }
    }

    /** One SMTP session. */
    private final class Conversation {
        Socket socket;
        BufferedReader in;
        OutputStream out;
        String ehloName;
        String authenticated;
        boolean secure;

        Conversation(Socket socket) throws IOException {
            use(socket);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            out = s.getOutputStream();
        }

        void run() throws IOException {
            reply(greeting);
            List<String> recipients = new ArrayList<>();
            while (true) {
                String line;
                try {
                    socket.setSoTimeout((int) idleTimeout.toMillis());
                    line = in.readLine();
                } catch (SocketTimeoutException e) {
                    idleTimeouts.incrementAndGet();
                    reply("421 4.4.2 scripted.example Error: timeout exceeded");
                    return;
                }
                if (line == null) {
                    dropped.incrementAndGet();
                    return;
                }
                String verb = (line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line).toUpperCase(Locale.ROOT);
                String arg = line.contains(" ") ? line.substring(line.indexOf(' ') + 1).strip() : "";
                switch (verb) {
                    case "EHLO", "HELO" -> hello(verb, arg);
                    case "STARTTLS" -> {
                        if (!offerStartTls || secure) {
                            reply("502 5.5.1 Error: command not implemented");
                        } else {
                            reply("220 2.0.0 Ready to start TLS");
                            startTls();
                        }
                    }
                    case "AUTH" -> auth(arg);
                    case "MAIL" -> {
                        recipients.clear();
                        reply("250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        pause(rcptDelay);
                        String reply = rcptReply;
                        if (reply.startsWith("250")) {
                            recipients.add(arg.replaceAll("(?i)^TO:\\s*<?([^>]*)>?.*$", "$1"));
                        }
                        reply(reply);
                    }
                    case "DATA" -> {
                        reply("354 End data with <CR><LF>.<CR><LF>");
                        StringBuilder raw = new StringBuilder();
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            raw.append(data.startsWith("..") ? data.substring(1) : data).append("\r\n");
                        }
                        if (data == null) {
                            dropped.incrementAndGet();
                            return;
                        }
                        messages.add(new Message(FaultySmtpServer.messageId(raw.toString()), ehloName, authenticated,
                                List.copyOf(recipients), raw.toString()));
                        pause(endOfDataDelay);
                        reply(dataReply);
                    }
                    case "RSET", "NOOP" -> reply("250 2.0.0 Ok");
                    case "QUIT" -> {
                        quits.incrementAndGet();
                        reply("221 2.0.0 Bye");
                        return;
                    }
                    default -> reply("502 5.5.2 Error: command not recognized");
                }
            }
        }

        private void hello(String verb, String name) throws IOException {
            ehloNames.add(name);
            if (requireFqdnHelo && !name.matches("\\[.+]") && !name.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+")) {
                reply("504 5.5.2 <" + name + ">: Helo command rejected: need fully-qualified hostname");
                return;
            }
            ehloName = name;
            if (verb.equals("HELO")) {
                reply("250 scripted.example");
                return;
            }
            List<String> lines = new ArrayList<>(List.of("scripted.example", "PIPELINING", "SIZE 10240000", "8BITMIME"));
            if (offerStartTls && !secure) {
                lines.add("STARTTLS");
            }
            if (user != null && (secure || !offerStartTls)) {
                lines.add("AUTH PLAIN LOGIN");
            }
            for (int i = 0; i < lines.size(); i++) {
                reply("250" + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
            }
        }

        private void auth(String arg) throws IOException {
            String[] words = arg.split(" ");
            String mechanism = words[0].toUpperCase(Locale.ROOT);
            String login;
            String secret;
            if (mechanism.equals("PLAIN")) {
                String response = words.length > 1 ? words[1] : challenge("");
                String[] parts = decode(response).split("\0", -1);
                login = parts.length == 3 ? parts[1] : "";
                secret = parts.length == 3 ? parts[2] : "";
            } else if (mechanism.equals("LOGIN")) {
                login = decode(words.length > 1 ? words[1] : challenge("VXNlcm5hbWU6"));
                secret = decode(challenge("UGFzc3dvcmQ6"));
            } else {
                reply("504 5.5.4 Unrecognized authentication type");
                return;
            }
            String scripted = authReply;
            if (scripted == null && user != null && user.equals(login) && password.equals(secret)) {
                loginsOk.incrementAndGet();
                authenticated = login;
                reply("235 2.7.0 Authentication successful");
            } else {
                loginsFailed.incrementAndGet();
                reply(scripted != null ? scripted : "535 5.7.8 Error: authentication failed: authentication failure");
            }
        }

        private String challenge(String text) throws IOException {
            reply("334 " + text);
            String line = in.readLine();
            return line == null ? "" : line;
        }

        private void startTls() throws IOException {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, socket.getInetAddress().getHostAddress(),
                    socket.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            use(ssl);
            secure = true;
            ehloName = null;
        }

        void reply(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis()); // a slow server, not a test waiting for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The self-signed key pair GreenMail ships (password changeit): its name is no host's. */
    static SSLContext greenMailCertificate() {
        try (InputStream in = ScriptedSmtpServer.class.getResourceAsStream("/greenmail.p12")) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "changeit".toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
