package org.camelmailer.deliver;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;

/**
 * How the worker reaches the SMTP server: {@code ssl} (implicit TLS, smtps), {@code starttls} (required,
 * never a silent fall back to plain text with a password) or {@code none}. Credentials live in the mail
 * component's configuration, never in an endpoint URI, so no log line, JMX attribute or route dump shows them.
 */
public final class SmtpTransport {

    public enum Security { SSL, STARTTLS, NONE }

    private SmtpTransport() {
    }

    /** SMTP_SECURITY if given, else ssl on port 465 and starttls on any other port. */
    public static Security security(String configured, int port) {
        if (configured == null || configured.isBlank()) {
            return port == 465 ? Security.SSL : Security.STARTTLS;
        }
        try {
            return Security.valueOf(configured.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SMTP_SECURITY must be ssl, starttls or none, not '" + configured + "'");
        }
    }

    /** The name this service gives in EHLO, and where it came from (for the start-up log line). */
    public record HeloName(String name, String origin) {
    }

    /**
     * The EHLO name: SMTP_HELO_NAME if set; else this machine's name when it is fully qualified (RFC 5321 4.1.4: the
     * client's primary host name); else the domain of SENDER_EMAIL when it is; else the address literal of this
     * machine's address toward the server. Angus Mail's own default, the reverse lookup of this machine, gives
     * {@code localhost} or a bare container name on most hosts, which Postfix's reject_non_fqdn_helo_hostname refuses.
     */
    public static HeloName heloName(String configured, String senderDomain, String server, int port) {
        return heloName(configured, localName(), senderDomain, localAddressToward(server, port));
    }

    static HeloName heloName(String configured, String machineName, String senderDomain, InetAddress localAddress) {
        if (configured != null && !configured.isBlank()) {
            return new HeloName(configured.strip(), "SMTP_HELO_NAME");
        }
        if (fullyQualified(machineName)) {
            return new HeloName(machineName.toLowerCase(Locale.ROOT), "this machine's name");
        }
        if (fullyQualified(senderDomain)) {
            return new HeloName(senderDomain.toLowerCase(Locale.ROOT), "the domain of SENDER_EMAIL");
        }
        if (localAddress != null && !localAddress.isAnyLocalAddress()) {
            return new HeloName(literal(localAddress), "this machine's address toward the server");
        }
        return new HeloName("localhost", "no better name found");
    }

    /** A domain name with at least two labels, none of them a local-only name such as localhost or localdomain. */
    static boolean fullyQualified(String name) {
        if (name == null || !name.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
                || name.matches("[0-9.]+")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return !lower.startsWith("localhost.") && !lower.endsWith(".localdomain") && !lower.endsWith(".local");
    }

    /** An address literal as EHLO takes it: {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    static String literal(InetAddress address) {
        return address instanceof Inet6Address ? "[IPv6:" + address.getHostAddress().replaceAll("%.*$", "") + "]"
                : "[" + address.getHostAddress() + "]";
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The source address the system would use for the server: a UDP "connect" sends nothing. */
    private static InetAddress localAddressToward(String server, int port) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(InetAddress.getByName(server), port);
            return probe.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The endpoint URI the deliver route sends to, e.g. {@code smtps://mail.example.org:465}: no credentials. */
    public static String uri(String host, int port, Security security) {
        return scheme(security) + "://" + host + ":" + port;
    }

    private static String scheme(Security security) {
        return security == Security.SSL ? "smtps" : "smtp";
    }

    /**
     * Registers the mail component for {@code security}: its sender holds the credentials and JavaMail settings
     * and keeps up to {@code limits.connections()} SMTP connections open for reuse. {@code timeout} bounds connecting
     * and each command's reply; {@code dataTimeout} the reply to the final dot, which content filters take long to give.
     * {@code heloName} is said in EHLO; {@code circuit} pauses delivery when the server refuses the session's setup.
     */
    public static PooledMailSender register(CamelContext context, String host, int port, Security security,
                                            String login, String password, String sslTrust, String heloName,
                                            Duration timeout, Duration dataTimeout, PooledMailSender.Limits limits,
                                            SmtpCircuit circuit) {
        String scheme = scheme(security);
        String prefix = "mail." + scheme + ".";
        Properties props = new Properties();
        String millis = Long.toString(timeout.toMillis());
        props.setProperty(prefix + "connectiontimeout", millis);
        props.setProperty(prefix + "timeout", millis);
        props.setProperty(prefix + "writetimeout", millis);
        // the login is the pooled connection's own (SmtpConnection): one attempt, QUIT after a refusal
        props.setProperty(prefix + "auth", "false");
        if (heloName != null) {
            props.setProperty(prefix + "localhost", heloName);
        }
        // the plain socket under any TLS: the connection lengthens its read timeout for the reply to the final dot
        props.put(prefix + "socketFactory", SmtpConnection.SOCKETS);
        props.setProperty(prefix + "socketFactory.fallback", "false");
        // a greeting that refuses the session (421 too many connections, 554) is answered with QUIT, as RFC 5321 asks
        props.setProperty(prefix + "quitonsessionreject", "true");
        if (security == Security.STARTTLS) {
            props.setProperty(prefix + "starttls.enable", "true");
            props.setProperty(prefix + "starttls.required", "true");
        }
        if (security != Security.NONE && sslTrust != null && !sslTrust.isBlank()) {
            // these hosts' certificates are trusted without a CA, for smtps and STARTTLS alike; their name is still
            // checked (mail.smtp.ssl.checkserveridentity is true by default in Angus Mail 2), except for "*"
            props.setProperty(prefix + "ssl.trust", String.join(" ", sslTrust.strip().split("\\s*[ ,]\\s*")));
            if ("*".equals(sslTrust.strip())) {
                props.setProperty(prefix + "ssl.checkserveridentity", "false");
            }
        }
        props.setProperty("mail.transport.protocol", scheme);
        PooledMailSender sender = new PooledMailSender(limits, dataTimeout, circuit);
        sender.setJavaMailProperties(props);
        sender.setProtocol(scheme);
        sender.setHost(host);
        sender.setPort(port);
        if (login != null && !login.isBlank()) {
            sender.setUsername(login);
            sender.setPassword(password);
        }
        MailConfiguration conf = new MailConfiguration(context);
        conf.setJavaMailSender(sender);
        MailComponent component = new MailComponent(context);
        component.setConfiguration(conf);
        context.addComponent(scheme, component);
        return sender;
    }
}
