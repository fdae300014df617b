package org.camelmailer.deliver;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.eclipse.angus.mail.util.MailSSLSocketFactory;

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

    /** A TLS socket factory trusting the listed hosts' certificates (or every host for "*") without a CA. */
    static MailSSLSocketFactory trusting(String sslTrust) {
        try {
            MailSSLSocketFactory factory = new MailSSLSocketFactory();
            if ("*".equals(sslTrust.strip())) {
                factory.setTrustAllHosts(true);
            } else {
                factory.setTrustedHosts(sslTrust.strip().split("\\s*[ ,]\\s*"));
            }
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for SMTP_SSL_TRUST", e);
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
     * and keeps up to {@code connections} SMTP connections open for reuse.
     */
    public static PooledMailSender register(CamelContext context, String host, int port, Security security,
                                            String login, String password, String sslTrust, Duration timeout,
                                            int connections) {
        String scheme = scheme(security);
        String prefix = "mail." + scheme + ".";
        Properties props = new Properties();
        String millis = Long.toString(timeout.toMillis());
        props.setProperty(prefix + "connectiontimeout", millis);
        props.setProperty(prefix + "timeout", millis);
        props.setProperty(prefix + "writetimeout", millis);
        props.setProperty(prefix + "auth", Boolean.toString(login != null && !login.isBlank()));
        if (security == Security.STARTTLS) {
            props.setProperty(prefix + "starttls.enable", "true");
            props.setProperty(prefix + "starttls.required", "true");
        }
        if (security != Security.NONE && sslTrust != null && !sslTrust.isBlank()) {
            // a socket factory trusting exactly these hosts, for smtps and STARTTLS alike
            props.put(prefix + "ssl.socketFactory", trusting(sslTrust));
            if ("*".equals(sslTrust.strip())) {
                props.setProperty(prefix + "ssl.checkserveridentity", "false");
            }
        }
        props.setProperty("mail.transport.protocol", scheme);
        PooledMailSender sender = new PooledMailSender(connections);
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
