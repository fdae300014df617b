package org.camelmailer.deliver;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/** Deliver stage error handling: reads the nested exceptions of a failed send and says retry or give up. */
public final class SmtpFailureClassifier {

    private static final int MAX_REASON_LENGTH = 300;

    private SmtpFailureClassifier() {
    }

    public static DeliveryFailure classify(Throwable t) {
        if (t == null) {
            return new DeliveryFailure(FailureKind.TRANSIENT, null, "unknown failure");
        }
        // Camel and Jakarta Mail bury the useful exception several levels down, so look at all of
        // them and let the most specific evidence win, whatever its depth.
        List<Throwable> chain = chainOf(t);
        for (Throwable e : chain) {
            // the pooled sender's own verdicts, outermost first (a postponement wraps the refusal that caused it)
            if (e instanceof UncertainDeliveryException) {
                return failure(FailureKind.UNCERTAIN, "uncertain: " + e.getMessage());
            }
            if (e instanceof PostponedDeliveryException p) {
                return new DeliveryFailure(FailureKind.POSTPONED, null, oneLine("postponed: " + p.getMessage()),
                        p.retryAfter());
            }
            if (e instanceof SmtpSetupException) {
                return failure(FailureKind.PERMANENT, e.getMessage());
            }
        }
        DeliveryFailure reply = smtpReply(chain);
        if (reply != null) {
            return reply;
        }
        for (Throwable e : chain) {
            if (e instanceof AuthenticationFailedException) {
                return authentication(e.getMessage());
            }
        }
        for (Throwable e : chain) {
            if (e instanceof AddressException || e instanceof IllegalArgumentException) {
                return failure(FailureKind.PERMANENT, "invalid message: " + nonBlank(e.getMessage(), e));
            }
        }
        DeliveryFailure connection = connectionFailure(chain);
        if (connection != null) {
            return connection;
        }
        for (Throwable e : chain) {
            if (e instanceof MessagingException || e instanceof IOException) {
                return failure(FailureKind.TRANSIENT, nonBlank(e.getMessage(), e) + rootSuffix(chain, e));
            }
        }
        // Unknown ground: retry, and let the retry budget rather than a guess decide when to stop.
        Throwable root = chain.get(chain.size() - 1);
        return failure(FailureKind.TRANSIENT, nonBlank(root.getMessage(), root));
    }

    /**
     * The recipients the server refused at {@code RCPT TO}, in the order Angus Mail chained them (one
     * {@link SMTPAddressFailedException} per refused address under the {@code SendFailedException}); refusals of
     * {@code MAIL FROM} ({@link SMTPSenderFailedException}) and of {@code DATA} ({@link SMTPSendFailedException}) are
     * no recipient's and are not listed. Empty when none was refused.
     */
    public static List<RefusedRecipient> refusedRecipients(Throwable t) {
        List<RefusedRecipient> refused = new ArrayList<>();
        if (t == null) {
            return refused;
        }
        for (Throwable e : chainOf(t)) {
            if (e instanceof SMTPAddressFailedException x && x.getAddress() != null
                    && x.getReturnCode() >= 400 && x.getReturnCode() < 600) {
                refused.add(new RefusedRecipient(x.getAddress().getAddress(), x.getReturnCode(),
                        oneLine(replyLine(x.getReturnCode(), x.getMessage()))));
            }
        }
        return refused;
    }

    /**
     * The server's reply to AUTH, as Angus Mail words it (the reply line itself). A 4xx (Postfix's {@code 454 4.7.0
     * Temporary authentication failure} while Dovecot's auth service restarts) says nothing about the credentials:
     * retried like any 4xx. Anything else is a refusal: wrong credentials do not fix themselves, and retrying them
     * only risks a lock-out.
     */
    private static DeliveryFailure authentication(String reply) {
        int code = leadingCode(reply);
        if (code >= 400 && code < 500) {
            return failure(FailureKind.TRANSIENT, code, "authentication failed temporarily: " + reply.strip());
        }
        return failure(FailureKind.PERMANENT, "authentication failed" + suffix(reply));
    }

    /** The three-digit reply code a server line starts with, or -1. */
    static int leadingCode(String line) {
        if (line == null || !line.strip().matches("(?s)[2-5]\\d\\d([ -].*)?")) {
            return -1;
        }
        return Integer.parseInt(line.strip().substring(0, 3));
    }

    private static DeliveryFailure connectionFailure(List<Throwable> chain) {
        String endpoint = null;
        for (Throwable e : chain) {
            if (e instanceof MailConnectException mce) {
                endpoint = mce.getHost() + ":" + mce.getPort();
                break;
            }
        }
        String at = endpoint == null ? "" : ": " + endpoint;
        for (Throwable e : chain) {
            if (e instanceof ConnectException) {
                return failure(FailureKind.TRANSIENT, "connection refused" + at);
            }
            if (e instanceof SocketTimeoutException) {
                return failure(FailureKind.TRANSIENT, "timed out" + at);
            }
            if (e instanceof UnknownHostException) {
                // A DNS outage looks the same as a typo; retrying is the cheaper mistake.
                return failure(FailureKind.TRANSIENT, "unknown host" + (endpoint == null ? suffix(e.getMessage()) : at));
            }
        }
        return endpoint == null ? null : failure(FailureKind.TRANSIENT, "cannot connect" + at);
    }

    private static DeliveryFailure smtpReply(List<Throwable> chain) {
        // The per-address exceptions hold the server's own line for MAIL FROM / RCPT TO; an
        // SMTPSendFailedException may merely wrap them, so it is read only when they are absent.
        DeliveryFailure perAddress = firstReply(chain, true);
        return perAddress != null ? perAddress : firstReply(chain, false);
    }

    private static DeliveryFailure firstReply(List<Throwable> chain, boolean perAddress) {
        for (Throwable e : chain) {
            int code = perAddress ? addressReplyCode(e) : sendReplyCode(e);
            if (code >= 400 && code < 600) {
                FailureKind kind = code < 500 ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
                return failure(kind, code, replyLine(code, e.getMessage()));
            }
        }
        return null;
    }

    private static int addressReplyCode(Throwable e) {
        if (e instanceof SMTPAddressFailedException x) {
            return x.getReturnCode();
        }
        if (e instanceof SMTPSenderFailedException x) {
            return x.getReturnCode();
        }
        return -1;
    }

    private static int sendReplyCode(Throwable e) {
        return e instanceof SMTPSendFailedException x ? x.getReturnCode() : -1;
    }

    private static List<Throwable> chainOf(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = t;
        // getCause() covers MessagingException.getNextException() in Jakarta Mail; the explicit
        // call keeps working should the two ever differ. The seen-set stops on cyclic chains.
        while (current != null && seen.add(current)) {
            chain.add(current);
            Throwable next = current.getCause();
            if (next == null && current instanceof MessagingException me) {
                next = me.getNextException();
            }
            current = next;
        }
        return chain;
    }

    private static String replyLine(int code, String message) {
        String text = message == null ? "" : message.strip();
        if (text.startsWith(Integer.toString(code))) {
            return text;
        }
        return text.isEmpty() ? Integer.toString(code) : code + " " + text;
    }

    private static String rootSuffix(List<Throwable> chain, Throwable matched) {
        Throwable root = chain.get(chain.size() - 1);
        return root == matched || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
    }

    private static String suffix(String message) {
        return message == null || message.isBlank() ? "" : ": " + message.strip();
    }

    private static String nonBlank(String message, Throwable e) {
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static DeliveryFailure failure(FailureKind kind, String reason) {
        return new DeliveryFailure(kind, null, oneLine(reason));
    }

    private static DeliveryFailure failure(FailureKind kind, Integer code, String reason) {
        return new DeliveryFailure(kind, code, oneLine(reason));
    }

    // The reason lands in task status and logs: one line, bounded, and with any credential that a
    // wrapped endpoint URI might carry masked out.
    private static String oneLine(String reason) {
        String line = reason.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "").strip();
        line = line.replaceAll("(?i)((?:password|passwd|pass|secret|token|api[-_]?key)=)[^&\\s]*", "$1xxxxxx");
        line = line.replaceAll("(://)[^/@\\s]*@", "$1xxxxxx@");
        return line.length() <= MAX_REASON_LENGTH ? line : line.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }
}
