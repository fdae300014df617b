package org.camelmailer.deliver;

import jakarta.mail.MessagingException;

/**
 * Deliver stage: the whole message and its final dot went out, and no reply came (the end-of-data timeout, or the
 * connection lost). The server may have accepted the mail: it is not sent again at once, not even on a fresh
 * connection by the pool; the worker records the uncertainty and decides (see TaskLifecycle).
 */
public final class UncertainDeliveryException extends MessagingException {

    private static final long serialVersionUID = 1L;

    public UncertainDeliveryException(String message, Exception cause) {
        super(message, cause);
    }
}
