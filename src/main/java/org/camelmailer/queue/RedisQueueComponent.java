package org.camelmailer.queue;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code redis-queue:<key>}: a consumer of the reliable {@link TaskQueue}, so routes read
 * {@code from("redis-queue:mailer:queue")} like any other Camel consumer. (The stock spring-redis consumer is
 * pub/sub only: whatever is published while no worker listens is lost.)
 */
public class RedisQueueComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        RedisQueueEndpoint endpoint = new RedisQueueEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
