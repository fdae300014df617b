package org.camelmailer.deliver;

import jakarta.mail.MessagingException;

/**
 * Deliver stage: the SMTP session cannot be set up as configured, whichever mail it carries: the server refused the
 * login (5xx to AUTH), or TLS cannot work as set (STARTTLS required but not offered, a certificate that is not
 * trusted or names another host), or the server refused the EHLO name. Retrying each queued mail against it
 * changes nothing (and a refused login retried gets the account locked): the pooled sender pauses delivery
 * ({@link SmtpCircuit}) until a probe connection gets through.
 */
public final class SmtpSetupException extends MessagingException {

    private static final long serialVersionUID = 1L;

    private final boolean loginRefused;

    public SmtpSetupException(String message, boolean loginRefused, Exception cause) {
        super(message, cause);
        this.loginRefused = loginRefused;
    }

    /** True for a refused login: the task in hand is not at fault and waits; otherwise it fails (TLS, EHLO). */
    public boolean loginRefused() {
        return loginRefused;
    }
}
