package org.camelmailer.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.spi.Registry;

/**
 * The service's own meters, next to Camel's route metrics at {@code /observe/metrics}: tasks accepted, sent,
 * retried, failed and dead-lettered, addresses suppressed, Gemini calls by outcome, SMTP replies by class, webhook
 * attempts by outcome, and the queue gauges.
 */
public final class MailerMetrics {

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter sent;
    private final Counter retried;
    private final Counter failed;
    private final Counter deadLettered;
    private final Counter suppressionsAdded;

    public MailerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("mailer.tasks.accepted").description("tasks queued by POST /message").register(registry);
        this.sent = Counter.builder("mailer.tasks.sent").description("tasks delivered").register(registry);
        this.retried = Counter.builder("mailer.tasks.retried").description("delivery attempts scheduled again").register(registry);
        this.failed = Counter.builder("mailer.tasks.failed").description("tasks given up on").register(registry);
        this.deadLettered = Counter.builder("mailer.tasks.dead.lettered").description("tasks moved to mailer:dead").register(registry);
        this.suppressionsAdded = Counter.builder("mailer.suppressions.added")
                .description("addresses put on the suppression list mailer:suppressions").register(registry);
    }

    /**
     * The service's meters in the Prometheus registry camel-micrometer-prometheus serves at /observe/metrics: the one
     * bound as "metricsRegistry", whichever of us creates it first.
     */
    public static MailerMetrics in(Registry registry) {
        PrometheusMeterRegistry prometheus = registry.lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (prometheus == null) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", prometheus);
        }
        return new MailerMetrics(prometheus);
    }

    /** Meters nobody reads, for unit tests of the classes that count. */
    public static MailerMetrics none() {
        return new MailerMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void accepted() {
        accepted.increment();
    }

    public void accepted(int tasks) {
        accepted.increment(tasks);
    }

    public void sent() {
        sent.increment();
    }

    public void retried() {
        retried.increment();
    }

    public void failed(boolean deadLettered) {
        failed.increment();
        if (deadLettered) {
            this.deadLettered.increment();
        }
    }

    /** An address new on the suppression list: refused for good at RCPT TO, or added by an operator. */
    public void suppressionAdded() {
        suppressionsAdded.increment();
    }

    /** One Gemini attempt: outcome html, retry or fallback; reason a short fixed word (status code, blocked...). */
    public void gemini(String outcome, String reason) {
        Counter.builder("mailer.gemini.calls").tag("outcome", outcome).tag("reason", reason)
                .description("Gemini attempts by outcome").register(registry).increment();
    }

    /** An SMTP exchange by reply class: 2xx, 4xx, 5xx, or connection when no reply came. */
    public void smtpReply(String replyClass) {
        Counter.builder("mailer.smtp.replies").tag("class", replyClass)
                .description("SMTP replies by class").register(registry).increment();
    }

    /** One webhook attempt by outcome: delivered, retried or dead_lettered. */
    public void webhook(String outcome) {
        Counter.builder("mailer.webhooks.deliveries").tag("outcome", outcome)
                .description("webhook attempts by outcome").register(registry).increment();
    }

    /**
     * What the counters named {@code name} (mailer.gemini.calls, mailer.webhooks.deliveries) counted in this process
     * since it started, summed by the value of their tag {@code tag}; {@code known} values are there even at 0.
     */
    public Map<String, Long> counts(String name, String tag, List<String> known) {
        Map<String, Long> counts = new LinkedHashMap<>();
        known.forEach(value -> counts.put(value, 0L));
        for (Counter counter : registry.find(name).counters()) {
            counts.merge(counter.getId().getTag(tag), (long) counter.count(), Long::sum);
        }
        return counts;
    }

    /** A gauge read at each scrape; NaN while its source (Redis) does not answer. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, () -> {
            try {
                return value.get();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description(description).register(registry);
    }
}
