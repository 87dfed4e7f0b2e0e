package flux.capture.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records and returns only once Kafka acknowledged every one of them (acks=all,
 * idempotent, so retries inside the producer neither duplicate nor reorder). When Kafka does
 * not acknowledge within the delivery timeout, it waits, builds a fresh producer and sends
 * again from the first unacknowledged record, for as long as it takes: the caller holds its
 * offsets meanwhile, so the replication slot keeps the WAL and nothing is lost. Resending
 * can duplicate (at-least-once); per key the order of first deliveries is kept.
 * Used by one thread.
 */
public final class KafkaChangePublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaChangePublisher.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    /** Told when delivery stalls and when it resumes (drives the pipeline's state). */
    public interface Listener {
        void stalled(Exception cause);

        void resumed();
    }

    private final Properties config;
    private final Listener listener;
    private KafkaProducer<byte[], byte[]> producer;
    private Exception lastError;

    public KafkaChangePublisher(String bootstrapServers, String clientId, Listener listener) {
        this.listener = listener;
        this.config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        // Bounded waits, so an absent broker surfaces here (and in the status) instead of hanging.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }

    /**
     * Sends all records in order and waits for every acknowledgement.
     *
     * @param stopping polled between attempts; when true, gives up with {@link InterruptedException}
     *                 (the caller must then not commit offsets)
     */
    public void publishAll(List<ProducerRecord<byte[], byte[]>> records, BooleanSupplier stopping)
            throws InterruptedException {
        int from = 0;
        long backoff = 250;
        boolean stalled = false;
        while (from < records.size()) {
            if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("capture is stopping; " + (records.size() - from) + " records unsent");
            }
            int acknowledged = sendAndAwait(records, from);
            if (acknowledged == records.size()) {
                break;
            }
            from = acknowledged;
            stalled = true;
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
        if (stalled) {
            listener.resumed();
        }
    }

    /** Returns the index of the first record not acknowledged (records.size() when all were). */
    private int sendAndAwait(List<ProducerRecord<byte[], byte[]>> records, int from) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size() - from);
        try {
            KafkaProducer<byte[], byte[]> p = producer();
            for (int i = from; i < records.size(); i++) {
                acks.add(p.send(records.get(i)));
            }
        } catch (RuntimeException e) { // metadata timeout, producer failure: resend from the first unsent
            return failed(e, from + firstUnacknowledged(acks));
        }
        int done = firstUnacknowledged(acks);
        if (done < acks.size()) {
            return failed(lastError, from + done);
        }
        return records.size();
    }

    private int firstUnacknowledged(List<Future<RecordMetadata>> acks) throws InterruptedException {
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException e) {
                lastError = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                return i;
            }
        }
        return acks.size();
    }

    private int failed(Exception cause, int firstUnacknowledged) {
        log.warn("Kafka did not acknowledge ({}); retrying from record {} of the batch", cause, firstUnacknowledged);
        listener.stalled(cause);
        closeProducer();
        return firstUnacknowledged;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO); // abandons unacknowledged sends; they are resent
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
