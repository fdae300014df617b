package org.camelmailer.deliver;

/** Deliver stage verdict on a failed send, recorded on the task: retry or not, the SMTP code if any, one safe line of why. */
public record DeliveryFailure(FailureKind kind, Integer smtpCode, String reason) {
}
