package org.camelmailer.deliver;

import java.time.Duration;

import jakarta.mail.MessagingException;

/**
 * Deliver stage: the mail was not tried, for a reason that is not its own (delivery is paused after the server
 * refused the login, or the server asked for fewer connections): it goes back to the queue after {@link #retryAfter}
 * without being charged an attempt.
 */
public final class PostponedDeliveryException extends MessagingException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public PostponedDeliveryException(String message, Duration retryAfter, Exception cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
