package org.camelmailer.deliver;

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

    /** The endpoint URI the deliver route sends to, e.g. {@code smtps://mail.example.org:465}: no credentials. */
    public static String uri(String host, int port, Security security) {
        return scheme(security) + "://" + host + ":" + port;
    }

    private static String scheme(Security security) {
        return security == Security.SSL ? "smtps" : "smtp";
    }

    /**
     * Registers the mail component for {@code security}: its sender holds the credentials and JavaMail settings
     * and keeps up to {@code connections} SMTP connections open for reuse. {@code timeout} bounds connecting and each
     * command's reply; {@code dataTimeout} the reply to the final dot, which content filters take long to give.
     */
    public static PooledMailSender register(CamelContext context, String host, int port, Security security,
                                            String login, String password, String sslTrust, Duration timeout,
                                            Duration dataTimeout, int connections) {
        String scheme = scheme(security);
        String prefix = "mail." + scheme + ".";
        Properties props = new Properties();
        String millis = Long.toString(timeout.toMillis());
        props.setProperty(prefix + "connectiontimeout", millis);
        props.setProperty(prefix + "timeout", millis);
        props.setProperty(prefix + "writetimeout", millis);
        props.setProperty(prefix + "auth", Boolean.toString(login != null && !login.isBlank()));
        // the plain socket under any TLS: the connection lengthens its read timeout for the reply to the final dot
        props.put(prefix + "socketFactory", SmtpConnection.SOCKETS);
        props.setProperty(prefix + "socketFactory.fallback", "false");
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
        PooledMailSender sender = new PooledMailSender(connections, dataTimeout);
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
