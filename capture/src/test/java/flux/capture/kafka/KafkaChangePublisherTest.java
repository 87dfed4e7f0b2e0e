package flux.capture.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.capture.CaptureException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Send, acknowledgement and resend against kafka-clients' MockProducer: the test answers each record
 * ({@code completeNext}, {@code errorNext}), and every producer the publisher builds after a failure
 * is the next one of {@link #producers}. Pauses between attempts are recorded, not slept.
 */
class KafkaChangePublisherTest {
    private final Deque<MockProducer<byte[], byte[]>> producers = new ArrayDeque<>();
    private final List<MockProducer<byte[], byte[]>> built = new ArrayList<>();
    private final List<Long> pauses = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final KafkaChangePublisher publisher = new KafkaChangePublisher(() -> {
        if (producers.isEmpty()) { // an Error: the publisher must not take it for a send failure and retry
            throw new AssertionError("the publisher asked for more producers than the test expected");
        }
        MockProducer<byte[], byte[]> p = producers.remove();
        built.add(p);
        return p;
    }, new KafkaChangePublisher.Listener() {
        @Override
        public void stalled(Exception cause) {
            events.add("stalled: " + cause.getClass().getSimpleName());
        }

        @Override
        public void resumed() {
            events.add("resumed");
        }
    }, pauses::add, topic -> { });

    /** A broker that answers only when the test says so. */
    private static MockProducer<byte[], byte[]> answeringByHand() {
        return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A broker that acknowledges every record as it arrives. */
    private static MockProducer<byte[], byte[]> acknowledgingAtOnce() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static MockProducer<byte[], byte[]> unreachable() {
        MockProducer<byte[], byte[]> p = answeringByHand();
        p.sendException = new TimeoutException("Topic flux.public.accounts not present in metadata after 10000 ms.");
        return p;
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String... names) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (String n : names) {
            out.add(new ProducerRecord<>("flux.public.accounts", n.getBytes(StandardCharsets.UTF_8),
                    n.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static List<String> names(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aDeliveryIsAcknowledgedOnlyOnceKafkaAcknowledgedEachOfItsRecords() {
        MockProducer<byte[], byte[]> kafka = answeringByHand();
        producers.add(kafka);
        ChangePublisher.Delivery d = publisher.send(records("a", "b", "c"));
        assertThat(d.answered()).isFalse();

        kafka.completeNext();
        kafka.completeNext();
        assertThat(d.answered()).isFalse();
        assertThat(d.acknowledged()).isFalse();

        kafka.completeNext();
        assertThat(d.answered()).isTrue();
        assertThat(d.acknowledged()).isTrue();
        assertThat(names(kafka.history())).containsExactly("a", "b", "c");
    }

    @Test
    void oneFailedRecordLeavesTheDeliveryAnsweredButNotAcknowledged() {
        MockProducer<byte[], byte[]> kafka = answeringByHand();
        producers.add(kafka);
        ChangePublisher.Delivery d = publisher.send(records("a", "b"));
        kafka.errorNext(new TimeoutException("Expiring 1 record(s)"));
        kafka.completeNext();

        assertThat(d.answered()).isTrue();
        assertThat(d.acknowledged()).isFalse();
    }

    @Test
    void awaitingResendsFromTheFirstUnacknowledgedRecordOnANewProducerInOrder() throws Exception {
        MockProducer<byte[], byte[]> first = answeringByHand();
        MockProducer<byte[], byte[]> second = acknowledgingAtOnce();
        producers.add(first);
        producers.add(second);
        ChangePublisher.Delivery d0 = publisher.send(records("a", "b", "c"));
        ChangePublisher.Delivery d1 = publisher.send(records("d", "e"));
        first.completeNext();
        first.errorNext(new TimeoutException("Expiring 1 record(s)"));
        first.completeNext();
        first.completeNext();
        first.completeNext();

        publisher.awaitAcknowledged(List.of(d0, d1), () -> false);

        assertThat(first.closed()).as("abandoned, not reused").isTrue();
        // c, d and e were acknowledged too, but after b: sent again (at-least-once, per key in order).
        assertThat(names(second.history())).containsExactly("b", "c", "d", "e");
        assertThat(events).containsExactly("stalled: TimeoutException", "resumed");
        assertThat(pauses).containsExactly(250L);
    }

    @Test
    void aSendTheProducerRefusedIsResentWhole() throws Exception {
        MockProducer<byte[], byte[]> second = acknowledgingAtOnce();
        producers.add(unreachable());
        producers.add(second);
        ChangePublisher.Delivery d = publisher.send(records("a", "b"));
        assertThat(d.answered()).isTrue();
        assertThat(d.acknowledged()).isFalse();

        publisher.awaitAcknowledged(List.of(d), () -> false);

        assertThat(names(second.history())).containsExactly("a", "b");
    }

    @Test
    void whileKafkaStaysAwayThePauseDoublesUpToFiveSeconds() throws Exception {
        for (int i = 0; i < 7; i++) {
            producers.add(unreachable());
        }
        MockProducer<byte[], byte[]> back = acknowledgingAtOnce();
        producers.add(back);

        publisher.awaitAcknowledged(List.of(publisher.send(records("a"))), () -> false);

        assertThat(pauses).containsExactly(250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L);
        assertThat(names(back.history())).containsExactly("a");
        assertThat(events).hasSize(8).endsWith("resumed");
    }

    @Test
    void aRefusalNoResendCanChangeEndsTheWaitAsPermanentWithoutResending() {
        MockProducer<byte[], byte[]> kafka = answeringByHand();
        producers.add(kafka);
        ChangePublisher.Delivery d = publisher.send(records("a"));
        kafka.errorNext(new InvalidTopicException("Invalid topics: [flux.public.accounts]"));

        assertThatThrownBy(() -> publisher.awaitAcknowledged(List.of(d), () -> false))
                .isInstanceOf(CaptureException.Permanent.class)
                .hasMessage("Kafka refuses records for flux.public.accounts: InvalidTopicException: Invalid topics:"
                        + " [flux.public.accounts]");
        assertThat(built).containsExactly(kafka);
        assertThat(pauses).isEmpty();
    }

    @Test
    void whenCaptureClosesTheWaitGivesUpWithoutAcknowledging() {
        MockProducer<byte[], byte[]> kafka = answeringByHand();
        producers.add(kafka);
        ChangePublisher.Delivery d = publisher.send(records("a"));
        kafka.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThatThrownBy(() -> publisher.awaitAcknowledged(List.of(d), () -> true))
                .isInstanceOf(InterruptedException.class);
        assertThat(built).containsExactly(kafka);
        assertThat(events).containsExactly("stalled: TimeoutException");
    }
}
