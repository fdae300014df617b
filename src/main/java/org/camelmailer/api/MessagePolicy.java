package org.camelmailer.api;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.camelmailer.message.EmailAddress;

/**
 * What a message may hold, from the settings: recipient domains (MAILER_ALLOWED_RECIPIENT_DOMAINS, empty: any), the
 * addresses a client may send from (SENDER_EMAIL and MAILER_ALLOWED_SENDERS), how many recipients
 * (MAILER_MAX_RECIPIENTS), the decoded attachment bytes (MAILER_MAX_MESSAGE_SIZE) and the rest of a request
 * (MAILER_MAX_BODY_SIZE), how many messages one batch holds (MAILER_BATCH_MAX), and how far ahead a message may be scheduled
 * (MAILER_MAX_SCHEDULE_AHEAD). {@code sender} is SENDER_EMAIL's address, which a {@code from} of a name alone goes with.
 */
public record MessagePolicy(Set<String> allowedDomains, String sender, Set<String> allowedSenders, int maxRecipients,
                            long maxMessageSize, long maxBodySize, int maxBatch, java.time.Duration maxScheduleAhead) {

    public static final int DEFAULT_MAX_RECIPIENTS = 50;
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 10L * 1024 * 1024;
    public static final long DEFAULT_MAX_BODY_SIZE = 256L * 1024;
    public static final int DEFAULT_MAX_BATCH = 1000;
    public static final java.time.Duration DEFAULT_MAX_SCHEDULE_AHEAD = java.time.Duration.ofDays(365);

    /** Domains are kept in their ASCII form, so {@code müller.example} listed allows {@code xn--mller-kva.example}. */
    public MessagePolicy {
        allowedDomains = allowedDomains.stream().map(String::strip).filter(d -> !d.isEmpty())
                .map(EmailAddress::asciiDomain).collect(Collectors.toUnmodifiableSet());
        allowedSenders = Set.copyOf(allowedSenders);
    }

    /** Any domain, only {@code sender}, the default limits. */
    public static MessagePolicy defaults(String sender) {
        return of(Set.of(), sender, Set.of(), DEFAULT_MAX_RECIPIENTS, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_BODY_SIZE,
                DEFAULT_MAX_BATCH);
    }

    /** {@code sender} (SENDER_EMAIL) and {@code otherSenders} are addresses, with or without a display name. */
    public static MessagePolicy of(Collection<String> allowedDomains, String sender, Collection<String> otherSenders,
                                   int maxRecipients, long maxMessageSize, long maxBodySize, int maxBatch) {
        Set<String> senders = new java.util.HashSet<>();
        EmailAddress own = EmailAddress.parse(sender);
        senders.add(senderKey(own));
        otherSenders.stream().map(String::strip).filter(s -> !s.isEmpty())
                .forEach(s -> senders.add(senderKey(EmailAddress.parse(s))));
        return new MessagePolicy(Set.copyOf(allowedDomains), own.address(), senders, maxRecipients, maxMessageSize, maxBodySize,
                maxBatch, DEFAULT_MAX_SCHEDULE_AHEAD);
    }

    /** The same policy with another MAILER_MAX_SCHEDULE_AHEAD: how far ahead {@code send_at} may be. */
    public MessagePolicy withMaxScheduleAhead(java.time.Duration ahead) {
        return new MessagePolicy(allowedDomains, sender, allowedSenders, maxRecipients, maxMessageSize, maxBodySize,
                maxBatch, ahead);
    }

    /** The domain itself or one of its subdomains (both ASCII, lower case). */
    boolean allowsRecipient(EmailAddress address) {
        String domain = address.domain();
        return allowedDomains.isEmpty()
                || allowedDomains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
    }

    boolean allowsSender(EmailAddress address) {
        return allowedSenders.contains(senderKey(address));
    }

    // as mail systems compare addresses in practice: MAILER@corp.example is mailer@corp.example
    private static String senderKey(EmailAddress address) {
        return address.address().toLowerCase(java.util.Locale.ROOT);
    }
}
