package org.camelmailer.enhance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelmailer.message.MailTask;
import org.junit.jupiter.api.Test;
import org.camelmailer.message.Enhancement;

/** The retry decisions enhance-retries asks of the enhancer: when to try again, how long to wait, what to say else. */
class GeminiEnhancerTest {

    private final GeminiEnhancer enhancer = new GeminiEnhancer(new GeminiRequestBuilder("p", 0.2, 10), new HtmlSanitizer(),
            4, Duration.ofSeconds(1), Duration.ofSeconds(30), text -> text.replace("SECRET", "***"));

    private static final MailTask T1 = new MailTask("t1", "alice@example.org", "s", "m", true, 0, "2026-12-01T00:00:00Z");

    private static Exchange after(int attempts, GeminiRetryException failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(GeminiCall.ATTEMPT, attempts);
        exchange.setVariable("task", T1);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    private static GeminiRetryException caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GeminiRetryException.class);
    }

    @Test
    void should_wait_exponentially_from_the_retry_delay() {
        for (int attempt = 1; attempt <= 3; attempt++) {
            Exchange exchange = after(attempt, new GeminiRetryException("gemini: HTTP 503", null));

            assertThat(enhancer.retry(caught(exchange), exchange.getVariable(GeminiCall.ATTEMPT, Integer.class), T1, exchange.getIn())).isTrue();
            assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(1000L << (attempt - 1));
        }
    }

    @Test
    void should_wait_as_long_as_retry_info_asks_when_that_is_longer() {
        Exchange longer = after(1, new GeminiRetryException("gemini: HTTP 429", Duration.ofMillis(22_500)));
        Exchange shorter = after(3, new GeminiRetryException("gemini: HTTP 429", Duration.ofMillis(500)));

        assertThat(enhancer.retry(caught(longer), longer.getVariable(GeminiCall.ATTEMPT, Integer.class), T1, longer.getIn())).isTrue();
        assertThat(longer.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(22_500L);
        assertThat(enhancer.retry(caught(shorter), shorter.getVariable(GeminiCall.ATTEMPT, Integer.class), T1, shorter.getIn())).isTrue();
        assertThat(shorter.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(4_000L);
    }

    @Test
    void should_give_up_after_the_last_attempt_saying_so() {
        Exchange exchange = after(4, new GeminiRetryException("gemini: HTTP 503 UNAVAILABLE", null));

        assertThat(enhancer.retry(caught(exchange), exchange.getVariable(GeminiCall.ATTEMPT, Integer.class), T1, exchange.getIn())).isFalse();
        assertThat(enhancer.gaveUp(caught(exchange), exchange.getVariable(GeminiCall.ATTEMPT, Integer.class), T1))
                .isEqualTo(Enhancement.plainText("gemini: HTTP 503 UNAVAILABLE (after 4 attempts)"));
    }

    @Test
    void should_give_up_at_once_when_the_wait_would_pass_the_maximum() {
        Exchange exchange = after(1, new GeminiRetryException("gemini: HTTP 429 SECRET", Duration.ofSeconds(45)));

        assertThat(enhancer.retry(caught(exchange), exchange.getVariable(GeminiCall.ATTEMPT, Integer.class), T1, exchange.getIn())).isFalse();
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
        assertThat(enhancer.gaveUp(caught(exchange), exchange.getVariable(GeminiCall.ATTEMPT, Integer.class), T1))
                .isEqualTo(Enhancement.plainText("gemini: HTTP 429 *** (Gemini asks to wait 45s)"));
    }

    @Test
    void should_give_up_when_the_backoff_alone_passes_the_maximum() {
        GeminiEnhancer patient = new GeminiEnhancer(new GeminiRequestBuilder("p", 0.2, 10), new HtmlSanitizer(), 10,
                Duration.ofSeconds(10), Duration.ofSeconds(30), UnaryOperator.identity());

        GeminiRetryException failure = new GeminiRetryException("gemini: HTTP 500", null);
        assertThat(patient.retry(failure, 2, T1, after(2, failure).getIn())).isTrue();
        assertThat(patient.retry(failure, 3, T1, after(3, failure).getIn())).isFalse();
    }
}
