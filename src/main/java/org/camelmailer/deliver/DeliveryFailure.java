package org.camelmailer.deliver;

import java.time.Duration;

/**
 * Deliver stage verdict on a failed send, recorded on the task: retry or not, the SMTP code if any, one safe line of
 * why, and for a postponed task when to try it again.
 */
public record DeliveryFailure(FailureKind kind, Integer smtpCode, String reason, Duration retryAfter) {

    public DeliveryFailure(FailureKind kind, Integer smtpCode, String reason) {
        this(kind, smtpCode, reason, null);
    }
}
