package flux.capture;

import flux.capture.kafka.ChangePublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A Kafka whose answers the test gives: each {@link #send} is a delivery that stays unanswered
 * until {@link #ack} or {@link #fail}. {@link #awaitAcknowledged} behaves as KafkaChangePublisher
 * does: an unanswered record is acknowledged in the end, and from the first failed one on every
 * record is sent again (acknowledged then, so one acknowledged before is now in Kafka twice).
 * {@link #stored()} is what Kafka holds, in the order it acknowledged it.
 */
final class FakePublisher implements ChangePublisher {
    private final List<FakeDelivery> deliveries = new ArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> stored = new ArrayList<>();
    private final List<Integer> awaited = new ArrayList<>();
    private boolean acknowledgeAtOnce;

    /** Kafka acknowledges every send as it arrives (a healthy broker, for the test's later part). */
    FakePublisher acknowledgingAtOnce() {
        acknowledgeAtOnce = true;
        return this;
    }

    final class FakeDelivery implements Delivery {
        final List<ProducerRecord<byte[], byte[]>> records;
        private Boolean ok; // null: unanswered

        FakeDelivery(List<ProducerRecord<byte[], byte[]>> records) {
            this.records = List.copyOf(records);
        }

        @Override
        public boolean answered() {
            return ok != null;
        }

        @Override
        public boolean acknowledged() {
            return Boolean.TRUE.equals(ok);
        }

        private void acknowledge() {
            ok = true;
            stored.addAll(records);
        }
    }

    @Override
    public Delivery send(List<ProducerRecord<byte[], byte[]>> records) {
        FakeDelivery d = new FakeDelivery(records);
        deliveries.add(d);
        if (acknowledgeAtOnce || records.isEmpty()) { // nothing to wait for, as with a producer
            d.acknowledge();
        }
        return d;
    }

    /** Kafka acknowledges every record of the {@code n}th send (from 0). */
    void ack(int n) {
        deliveries.get(n).acknowledge();
    }

    /** Kafka answers the {@code n}th send with a failure. */
    void fail(int n) {
        deliveries.get(n).ok = false;
    }

    @Override
    public void awaitAcknowledged(List<Delivery> waitFor, BooleanSupplier stopping) throws InterruptedException {
        awaited.add(waitFor.size());
        if (stopping.getAsBoolean()) {
            throw new InterruptedException("stopping");
        }
        boolean resending = false;
        for (Delivery d : waitFor) {
            FakeDelivery fake = (FakeDelivery) d;
            resending |= Boolean.FALSE.equals(fake.ok);
            if (resending || fake.ok == null) {
                fake.acknowledge();
            }
        }
    }

    List<FakeDelivery> deliveries() {
        return deliveries;
    }

    /** How many deliveries each call of awaitAcknowledged waited for. */
    List<Integer> awaited() {
        return awaited;
    }

    /** The records Kafka holds, in the order it acknowledged them (a record resent is there again). */
    List<ProducerRecord<byte[], byte[]>> stored() {
        return stored;
    }

    @Override
    public void close() {
    }
}
