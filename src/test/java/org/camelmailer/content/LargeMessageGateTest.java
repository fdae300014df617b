package org.camelmailer.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelmailer.message.Attachment;
import org.camelmailer.message.MailTask;
import org.junit.jupiter.api.Test;

class LargeMessageGateTest {

    private final CamelContext camel = new DefaultCamelContext();

    private static MailTask task(long attachmentBytes) {
        return new MailTask("t", List.of("a@example.org"), null, null, null, null, "s", "x", null, null,
                List.of(new Attachment("a.bin", "application/octet-stream", null, attachmentBytes, null)), null, null,
                null, false, 0, "2026-12-01T00:00:00Z", false);
    }

    @Test
    void should_let_small_bodies_pass_and_one_large_body_at_a_time() {
        LargeMessageGate gate = new LargeMessageGate(1, 1000, Duration.ZERO);

        assertThat(gate.tryEnter(1000)).isTrue();
        assertThat(gate.tryEnter(1001)).isTrue();
        assertThat(gate.tryEnter(5000)).isFalse();
        assertThat(gate.tryEnter(10)).isTrue();
        gate.leave(10);
        gate.leave(1001);
        assertThat(gate.tryEnter(5000)).isTrue();
    }

    @Test
    void should_make_a_large_task_wait_until_the_one_in_hand_completes() throws Exception {
        LargeMessageGate gate = new LargeMessageGate(1, 1000, Duration.ofSeconds(10));
        Exchange first = new DefaultExchange(camel);
        gate.task(task(5000), first);
        gate.task(task(10), new DefaultExchange(camel)); // small: never waits

        Exchange second = new DefaultExchange(camel);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                gate.task(task(5000), second);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200); // the second task must still be waiting: nothing else can tell
        assertThat(waiting).isNotDone();

        first.getExchangeExtension().handoverCompletions().forEach(s -> s.onComplete(first));
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(gate.available()).isZero();
    }

    @Test
    void should_give_up_waiting_after_its_wait() throws Exception {
        LargeMessageGate gate = new LargeMessageGate(1, 1000, Duration.ofMillis(50));
        gate.task(task(5000), new DefaultExchange(camel));

        assertThatThrownBy(() -> gate.task(task(5000), new DefaultExchange(camel)))
                .isInstanceOf(LargeMessageGate.BusyException.class).hasMessageContaining("MAILER_LARGE_MESSAGES");
    }
}
