package org.camelmailer.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.camelmailer.config.WebhookUrls;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.queue.Claim;
import org.camelmailer.queue.RedisQueueConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at one webhook job (routes/webhooks.camel.yaml): the request (body, the Standard Webhooks headers and
 * nothing else), then what its answer means: delivered (2xx), tried again later with exponential backoff while the job
 * is younger than MAILER_WEBHOOK_MAX_AGE, or moved to {@value WebhookDeadLetters#KEY}. The wait is the queue's (a
 * scheduled entry), never a thread's. Logs name a receiver without its userinfo or query, and show no body.
 */
public final class WebhookDelivery {

    /** The job being delivered, a {@link Job}, as the route's variable. */
    public static final String JOB = "webhookJob";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A claimed job, read: its receiver, and the exact bytes to send. */
    public record Job(ObjectNode entry, String webhookId, String type, int attempt, String createdAt,
                      WebhookUrls.Target target, byte[] body) {
    }

    private final WebhookUrls urls;
    private final WebhookSigner signer;
    private final Duration maxAge;
    private final IntFunction<Duration> backoff;
    private final MailerMetrics metrics;

    /** @param backoff the wait after failed attempt number n (1-based) */
    public WebhookDelivery(WebhookUrls urls, WebhookSigner signer, Duration maxAge, IntFunction<Duration> backoff,
                           MailerMetrics metrics) {
        this.urls = urls;
        this.signer = signer;
        this.maxAge = maxAge;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /** The claimed entry as a job; an entry that is none fails here (the route's error handler dead-letters it). */
    public Job read(@ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim) {
        JsonNode node;
        try {
            node = JSON.readTree(claim.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the job is not JSON");
        }
        if (!(node instanceof ObjectNode entry) || !entry.path("webhook_id").isTextual() || !entry.path("url").isInt()
                || !entry.path("type").isTextual() || !entry.path("timestamp").canConvertToLong()
                || !entry.path("data").isObject()) {
            throw new IllegalArgumentException("the job lacks webhook_id, url, type, timestamp or data");
        }
        WebhookUrls.Target target = urls.get(entry.path("url").intValue());
        if (target == null) {
            throw new IllegalArgumentException("no MAILER_WEBHOOK_URL number " + (entry.path("url").intValue() + 1)
                    + " (the list has " + urls.size() + "): set it again and re-drive");
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("type", entry.get("type"));
        body.set("timestamp", entry.get("timestamp"));
        body.set("data", entry.get("data"));
        return new Job(entry, entry.path("webhook_id").textValue(), entry.path("type").textValue(),
                entry.path("attempt").asInt(0), createdAt(entry), target,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** When the job was made (its age counts from there): created_at, else the event's time. */
    private static String createdAt(ObjectNode entry) {
        try {
            return Instant.parse(entry.path("created_at").asText("")).toString();
        } catch (RuntimeException e) {
            return Instant.ofEpochSecond(entry.path("timestamp").asLong()).toString();
        }
    }

    /**
     * The request: the body, signed for this attempt's time, and only the headers a receiver needs (the route removed
     * every other one before). The URL travels as CamelHttpUri, which camel-http does not send on.
     */
    public void request(@Variable(JOB) Job job, Message message) {
        long now = Instant.now().getEpochSecond();
        message.setBody(job.body());
        message.setHeader("webhook-id", job.webhookId());
        message.setHeader("webhook-timestamp", Long.toString(now));
        message.setHeader("webhook-signature", signer.sign(job.webhookId(), now, job.body()));
        message.setHeader("Content-Type", "application/json");
        if (job.target().basicAuthorization() != null) {
            message.setHeader("Authorization", job.target().basicAuthorization());
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.HTTP_URI, job.target().uri());
    }

    /**
     * The answer: 2xx delivered (the consumer acknowledges the job); anything else, or none ({@code failure}), tried
     * again later or dead-lettered. A 410 Gone is dead-lettered at once: the receiver says it wants no more.
     */
    public void settle(@Variable(JOB) Job job, @Header(Exchange.HTTP_RESPONSE_CODE) Integer status,
                       @Variable("webhookFailure") Throwable failure,
                       @ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim) {
        int attempts = job.attempt() + 1;
        if (failure == null && status != null && status >= 200 && status < 300) {
            metrics.webhook("delivered");
            LOG.info("webhook {} ({}) delivered to {} (attempt {}, HTTP {})", job.webhookId(), job.type(),
                    job.target().shown(), attempts, status);
            return;
        }
        String error = failure != null ? "no answer: " + describe(failure, job.target())
                : "HTTP " + (status == null ? "?" : status);
        if ((status == null || status != 410) && withinAge(job.createdAt())) {
            Duration delay = backoff.apply(attempts);
            ObjectNode next = job.entry().deepCopy();
            next.put("attempt", attempts);
            if (claim.queue().retryLater(claim.lease(), next.toString(), delay)) {
                metrics.webhook("retried");
                LOG.warn("webhook {} ({}) to {}: attempt {} failed ({}): retry in {} ms", job.webhookId(), job.type(),
                        job.target().shown(), attempts, error, delay.toMillis());
            } else {
                LOG.warn("webhook {} to {}: attempt {} failed ({}), and its lease ran out meanwhile: another claimer "
                        + "has it", job.webhookId(), job.target().shown(), attempts, error);
            }
        } else {
            String reason = status != null && status == 410 ? error + " Gone: the receiver wants no more"
                    : error + "; older than MAILER_WEBHOOK_MAX_AGE (" + maxAge.toSeconds() + " s)";
            deadLetter(claim, reason, job.webhookId() + " (" + job.type() + ") to " + job.target().shown());
        }
        claim.settled();
    }

    /** The route's error handler: a job that cannot be sent at all (unreadable, no such URL) is dead-lettered. */
    public void unreadable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable cause,
                           @ExchangeProperty(RedisQueueConsumer.CLAIM) Claim claim) {
        deadLetter(claim, "not delivered: " + cause.getMessage(), "job");
        claim.settled();
    }

    private void deadLetter(Claim claim, String reason, String what) {
        if (claim.queue().moveTo(claim.lease(), WebhookDeadLetters.KEY, WebhookDeadLetters.record(claim.payload(),
                reason))) {
            metrics.webhook("dead_lettered");
            LOG.error("webhook {} moved to {}: {}", what, WebhookDeadLetters.KEY, reason);
        } else {
            LOG.warn("webhook {} failed ({}), and its lease ran out meanwhile: another claimer has it", what, reason);
        }
    }

    private boolean withinAge(String createdAt) {
        try {
            return Instant.parse(createdAt).plus(maxAge).isAfter(Instant.now());
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The failure's kind and message, the receiver's URL in it as logs may show it. */
    private static String describe(Throwable failure, WebhookUrls.Target target) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().replace(target.uri(), target.shown());
        int query = target.uri().indexOf('?');
        if (query >= 0 && query + 1 < target.uri().length()) {
            message = message.replace(target.uri().substring(query + 1), "…");
        }
        return failure.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
