package org.camelmailer.queue;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultEndpoint;
import org.camelmailer.config.Durations;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The consuming end of one Redis queue key, with its concurrency, lease and polling options. */
public class RedisQueueEndpoint extends DefaultEndpoint {

    private final String key;
    private StringRedisTemplate redisTemplate;
    private TaskRecords claimRecords;
    private int concurrentConsumers = 1;
    private long visibilityTimeout = 300_000;
    private long pollDelay = 100;
    private long retryDelay = 5_000;
    private long shutdownTimeout = 20_000;

    RedisQueueEndpoint(String uri, RedisQueueComponent component, String key) {
        super(uri, component);
        this.key = key;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("redis-queue is consume-only: enqueue with the spring-redis endpoint");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RedisQueueConsumer consumer = new RedisQueueConsumer(this, processor, new TaskQueue(template(), key));
        configureConsumer(consumer);
        return consumer;
    }

    private StringRedisTemplate template() {
        return redisTemplate != null ? redisTemplate
                : CamelContextHelper.findSingleByType(getCamelContext(), StringRedisTemplate.class);
    }

    public String getKey() {
        return key;
    }

    public void setRedisTemplate(StringRedisTemplate redisTemplate) {
        this.redisTemplate = redisTemplate;
    }

    /**
     * When set, each claim also marks the record its entry names (the task's status: processing, unless it says sent),
     * in the same round trip, and tells the route what it found ({@link Claim#alreadyDone}).
     */
    public TaskRecords getClaimRecords() {
        return claimRecords;
    }

    public void setClaimRecords(TaskRecords claimRecords) {
        this.claimRecords = claimRecords;
    }

    public int getConcurrentConsumers() {
        return concurrentConsumers;
    }

    public void setConcurrentConsumers(int concurrentConsumers) {
        this.concurrentConsumers = concurrentConsumers;
    }

    public long getVisibilityTimeout() {
        return visibilityTimeout;
    }

    /** How long a task stays with a worker that stops renewing its lease, e.g. "30s" or "5m" (a bare number is seconds). */
    public void setVisibilityTimeout(String visibilityTimeout) {
        this.visibilityTimeout = positive("visibilityTimeout", visibilityTimeout);
    }

    public long getPollDelay() {
        return pollDelay;
    }

    /** How long an idle worker waits before looking at an empty queue again. */
    public void setPollDelay(String pollDelay) {
        this.pollDelay = positive("pollDelay", pollDelay);
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    /** On stop, tasks still being worked on after this are handed back to the queue for another worker. */
    public void setShutdownTimeout(String shutdownTimeout) {
        this.shutdownTimeout = Durations.millis(shutdownTimeout);
    }

    public long getRetryDelay() {
        return retryDelay;
    }

    /** When a route fails without handling the error, the task comes back after this delay. */
    public void setRetryDelay(String retryDelay) {
        this.retryDelay = Durations.millis(retryDelay);
    }

    /** Read like every duration of the service (a bare number is seconds); zero makes no sense for these. */
    private static long positive(String option, String text) {
        long millis = Durations.millis(text);
        if (millis <= 0) {
            throw new IllegalArgumentException(option + "=" + text + ": must be longer than 0");
        }
        return millis;
    }
}
