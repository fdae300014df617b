package org.camelmailer.suppress;

import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.camelmailer.deliver.RefusedRecipient;
import org.camelmailer.deliver.SmtpFailureClassifier;
import org.camelmailer.message.MailTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step of the worker's error handling (routes/errors.camel.yaml, worker-errors), before the task is retried or
 * failed: each recipient the SMTP server refused for good at {@code RCPT TO} goes on the {@link SuppressionList},
 * with the server's reply line redacted as the task's error is. Only the refused ones: with several recipients, Angus
 * Mail reports one refusal per address. A 4xx, a 552 (a full mailbox), and refusals of {@code MAIL FROM} or
 * {@code DATA} suppress nobody.
 */
public final class HardBounces {

    private static final Logger LOG = LoggerFactory.getLogger(HardBounces.class);

    private final SuppressionList suppressions;
    private final UnaryOperator<String> redactor;

    public HardBounces(SuppressionList suppressions, UnaryOperator<String> redactor) {
        this.suppressions = suppressions;
        this.redactor = redactor;
    }

    /**
     * Void, so the body stays as it was for the next step. Never throws: Redis refusing the write must not keep the
     * task from being retried or failed by the next step (a retried task's refusal comes back; a failed one's is
     * logged).
     */
    public void record(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable cause, @Variable("task") MailTask task) {
        String taskId = task == null ? null : task.taskId();
        for (RefusedRecipient refused : SmtpFailureClassifier.refusedRecipients(cause)) {
            if (!refused.permanent()) {
                continue;
            }
            String reason = redactor.apply(refused.reply());
            try {
                suppressions.add(refused.address(), reason, taskId);
                LOG.warn("task {}: {} refused for good ({}): on the suppression list {}", taskId, refused.address(),
                        reason, SuppressionList.KEY);
            } catch (RuntimeException e) {
                LOG.error("task {}: {} refused for good ({}) but not put on the suppression list: {}", taskId,
                        refused.address(), reason, e.getMessage());
            }
        }
    }
}
