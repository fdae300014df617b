package org.camelmailer.deliver;

/**
 * Deliver stage: one envelope recipient the SMTP server refused at {@code RCPT TO}, with its reply code and the
 * server's reply line (one line, bounded, credentials masked as in {@link DeliveryFailure#reason()}).
 */
public record RefusedRecipient(String address, int code, String reply) {

    /**
     * A permanent refusal of the mailbox itself: a 5xx, except 552 (RFC 5321 §4.5.3.1.10: "mailbox full" or "too many
     * recipients" at RCPT TO is to be treated as the temporary 452 it replaced).
     */
    public boolean permanent() {
        return code >= 500 && code < 600 && code != 552;
    }
}
