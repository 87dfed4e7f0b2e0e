package flux.capture.kafka;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where capture hands its records over and learns that they are acknowledged: the contract the
 * offsets depend on ({@code ChangeStreamHandler} marks a record only once it is acknowledged).
 * {@link KafkaChangePublisher} is the one for Kafka. Used by one thread.
 */
public interface ChangePublisher extends AutoCloseable {

    /** The records of one {@link #send}, and what has become of them so far. Thread-safe. */
    interface Delivery {
        /** Every record is answered, acknowledged or failed. Never blocks. */
        boolean answered();

        /** Every record is acknowledged (so answered too). Never blocks. */
        boolean acknowledged();
    }

    /** Hands the records over in this order without waiting; failures show in the delivery. */
    Delivery send(List<ProducerRecord<byte[], byte[]>> records);

    /**
     * Returns once every record of these deliveries (of this publisher, in send order) is
     * acknowledged, sending again, in order, whatever was not: from the first unacknowledged record
     * on, which may repeat later ones (at-least-once).
     *
     * @param stopping polled between attempts; when true, gives up with {@link InterruptedException}
     *                 (the caller must then not mark what is unacknowledged)
     * @throws flux.capture.CaptureException.Permanent when the records are refused for good
     */
    void awaitAcknowledged(List<Delivery> deliveries, BooleanSupplier stopping) throws InterruptedException;

    @Override
    void close();
}
