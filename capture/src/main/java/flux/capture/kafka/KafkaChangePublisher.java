package flux.capture.kafka;

import flux.capture.CaptureException;
import flux.capture.FailureClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends change records to Kafka (acks=all, idempotent: the producer's own retries neither
 * duplicate nor reorder) and tells when they are acknowledged. {@link #send} does not wait, so
 * decoding the next batch overlaps with the broker's acknowledgement of this one;
 * {@link #awaitAcknowledged} waits and, when Kafka did not acknowledge within the delivery
 * timeout, builds a fresh producer and sends again from the first unacknowledged record (and
 * everything sent after it), for as long as it takes. The caller commits offsets only for
 * acknowledged records, so while Kafka is away the slot keeps the WAL and nothing is lost.
 * Resending can duplicate (at-least-once); per key, first deliveries keep their order. A refusal
 * that no resend can change (a topic name Kafka does not allow, a record too large, ACLs) ends
 * the wait with {@link CaptureException.Permanent}. Used by one thread.
 */
public final class KafkaChangePublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaChangePublisher.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    /** Told when delivery stalls and when it resumes (drives the pipeline's state). */
    public interface Listener {
        void stalled(Exception cause);

        void resumed();
    }

    /** Records handed to the producer in one call, and their acknowledgements. */
    public static final class Sent {
        final List<ProducerRecord<byte[], byte[]>> records;
        final List<Future<RecordMetadata>> acks;
        final RuntimeException sendFailure;
        private final AtomicInteger outstanding;

        Sent(List<ProducerRecord<byte[], byte[]>> records, List<Future<RecordMetadata>> acks,
             RuntimeException sendFailure, AtomicInteger outstanding) {
            this.records = records;
            this.acks = acks;
            this.sendFailure = sendFailure;
            this.outstanding = outstanding;
        }

        /** Every record answered (acknowledged or failed). */
        public boolean answered() {
            return sendFailure != null || outstanding.get() == 0;
        }
    }

    /** True when every record of these sends was acknowledged; call only when all are answered. */
    public static boolean allAcknowledged(List<Sent> sent) {
        for (Sent s : sent) {
            if (s.sendFailure != null) {
                return false;
            }
            for (Future<RecordMetadata> ack : s.acks) {
                try {
                    ack.get();
                } catch (ExecutionException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private final Properties config;
    private final Listener listener;
    private KafkaProducer<byte[], byte[]> producer;

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

    /** Hands the records to the producer, in order, without waiting for acknowledgements. */
    public Sent send(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        AtomicInteger outstanding = new AtomicInteger(records.size());
        try {
            KafkaProducer<byte[], byte[]> p = producer();
            for (ProducerRecord<byte[], byte[]> r : records) {
                acks.add(p.send(r, (metadata, error) -> outstanding.decrementAndGet()));
            }
            return new Sent(records, acks, null, outstanding);
        } catch (RuntimeException e) { // metadata timeout, closed producer: awaitAcknowledged resends
            return new Sent(records, acks, e, outstanding);
        }
    }

    /**
     * Returns once every record of {@code sent} (in send order) is acknowledged, resending from
     * the first failure on.
     *
     * @param stopping polled between attempts; when true, gives up with {@link InterruptedException}
     *                 (the caller must then not commit offsets)
     */
    public void awaitAcknowledged(List<Sent> sent, BooleanSupplier stopping) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> resend = null;
        Exception cause = null;
        for (Sent s : sent) {
            if (resend != null) {
                resend.addAll(s.records);
                continue;
            }
            int i = 0;
            for (; i < s.acks.size(); i++) {
                try {
                    s.acks.get(i).get();
                } catch (ExecutionException e) {
                    cause = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                    break;
                }
            }
            if (i < s.acks.size() || s.sendFailure != null) {
                cause = cause != null ? cause : s.sendFailure;
                resend = new ArrayList<>(s.records.subList(i, s.records.size()));
            }
        }
        if (resend != null) {
            resendUntilAcknowledged(resend, cause, stopping);
        }
    }

    private void resendUntilAcknowledged(List<ProducerRecord<byte[], byte[]>> records, Exception cause,
                                         BooleanSupplier stopping) throws InterruptedException {
        long backoff = 250;
        int from = 0;
        while (true) {
            CaptureException failure = FailureClassifier.classify("Kafka refuses records for "
                    + records.get(from).topic(), cause);
            if (failure instanceof CaptureException.Permanent permanent) {
                throw permanent; // resending would meet the same refusal, forever
            }
            log.warn("Kafka did not acknowledge ({}); resending {} records", cause, records.size() - from);
            listener.stalled(cause);
            closeProducer();
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("capture is stopping; " + (records.size() - from) + " records unacknowledged");
            }
            Sent again = send(records.subList(from, records.size()));
            int acknowledged = 0;
            cause = again.sendFailure;
            for (; acknowledged < again.acks.size(); acknowledged++) {
                try {
                    again.acks.get(acknowledged).get();
                } catch (ExecutionException e) {
                    cause = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                    break;
                }
            }
            from += acknowledged;
            if (from == records.size() && again.sendFailure == null) {
                listener.resumed();
                return;
            }
        }
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
