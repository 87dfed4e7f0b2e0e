package flux.capture.kafka;

import flux.capture.CaptureException;
import flux.capture.FailureClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
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
public final class KafkaChangePublisher implements ChangePublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaChangePublisher.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    /** Told when delivery stalls and when it resumes (drives the pipeline's state). */
    public interface Listener {
        void stalled(Exception cause);

        void resumed();
    }

    /** How the resend loop waits between attempts ({@code Thread::sleep}). */
    interface Backoff {
        void pause(long millis) throws InterruptedException;
    }

    /** Records handed to the producer in one call, and their acknowledgements. */
    static final class Sent implements Delivery {
        final List<ProducerRecord<byte[], byte[]>> records;
        final List<Future<RecordMetadata>> acks;
        final RuntimeException sendFailure;
        private final AtomicInteger outstanding;
        private final AtomicBoolean failed;

        Sent(List<ProducerRecord<byte[], byte[]>> records, List<Future<RecordMetadata>> acks,
             RuntimeException sendFailure, AtomicInteger outstanding, AtomicBoolean failed) {
            this.records = records;
            this.acks = acks;
            this.sendFailure = sendFailure;
            this.outstanding = outstanding;
            this.failed = failed;
        }

        @Override
        public boolean answered() {
            return sendFailure != null || outstanding.get() == 0;
        }

        @Override
        public boolean acknowledged() {
            // failed is set before outstanding is decremented: a count of 0 sees every failure.
            return sendFailure == null && outstanding.get() == 0 && !failed.get();
        }
    }

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Listener listener;
    private final Backoff backoff;
    private final Consumer<String> topicCheck;
    private Producer<byte[], byte[]> producer;

    /** @param topics makes each topic before its first record (capture never relies on the broker's auto-create) */
    public KafkaChangePublisher(String bootstrapServers, String clientId, Listener listener, KafkaTopics topics) {
        this(producerFor(bootstrapServers, clientId), listener, Thread::sleep, topics::ensure);
    }

    /**
     * @param producers  a new producer each time: after a failure the old one is abandoned, not reused
     * @param topicCheck called with each record's topic before it is sent; throws when the topic cannot be made
     */
    KafkaChangePublisher(Supplier<Producer<byte[], byte[]>> producers, Listener listener, Backoff backoff,
                         Consumer<String> topicCheck) {
        this.producers = producers;
        this.listener = listener;
        this.backoff = backoff;
        this.topicCheck = topicCheck;
    }

    private static Supplier<Producer<byte[], byte[]>> producerFor(String bootstrapServers, String clientId) {
        Properties config = new Properties();
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
        return () -> new KafkaProducer<>(config);
    }

    /** Hands the records to the producer, in order, without waiting for acknowledgements. */
    @Override
    public Sent send(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        AtomicInteger outstanding = new AtomicInteger(records.size());
        AtomicBoolean failed = new AtomicBoolean();
        try {
            Producer<byte[], byte[]> p = producer();
            for (ProducerRecord<byte[], byte[]> r : records) {
                topicCheck.accept(r.topic()); // a set lookup but for a topic's first record
                acks.add(p.send(r, (metadata, error) -> {
                    if (error != null) {
                        failed.set(true);
                    }
                    outstanding.decrementAndGet();
                }));
            }
            return new Sent(records, acks, null, outstanding, failed);
        } catch (RuntimeException e) { // metadata timeout, closed producer, topic not made: awaitAcknowledged resends
            return new Sent(records, acks, e, outstanding, failed);
        }
    }

    @Override
    public void awaitAcknowledged(List<Delivery> deliveries, BooleanSupplier stopping) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> resend = null;
        Exception cause = null;
        for (Delivery d : deliveries) {
            if (!(d instanceof Sent s)) {
                throw new IllegalArgumentException("not a delivery of this publisher: " + d);
            }
            if (resend != null) { // everything after the first failure goes again, in order
                resend.addAll(s.records);
                continue;
            }
            Progress p = await(s);
            if (p.cause() != null) {
                cause = p.cause();
                resend = new ArrayList<>(s.records.subList(p.acknowledged(), s.records.size()));
            }
        }
        if (resend != null) {
            resendUntilAcknowledged(resend, cause, stopping);
        }
    }

    /**
     * @param acknowledged how many records, from the first, Kafka acknowledged
     * @param cause        why the next one was not; null when all were
     */
    private record Progress(int acknowledged, Exception cause) {
    }

    /** Waits for the acknowledgements in send order, up to the first failure. */
    private static Progress await(Sent s) throws InterruptedException {
        for (int i = 0; i < s.acks.size(); i++) {
            try {
                s.acks.get(i).get();
            } catch (ExecutionException e) {
                return new Progress(i, e.getCause() instanceof Exception cause ? cause : e);
            }
        }
        return new Progress(s.acks.size(), s.sendFailure); // a failed send handed over only the records before
    }

    private void resendUntilAcknowledged(List<ProducerRecord<byte[], byte[]>> records, Exception cause,
                                         BooleanSupplier stopping) throws InterruptedException {
        long wait = 250;
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
            backoff.pause(wait);
            wait = Math.min(wait * 2, MAX_BACKOFF_MS);
            if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("capture is stopping; " + (records.size() - from) + " records unacknowledged");
            }
            Progress p = await(send(records.subList(from, records.size())));
            from += p.acknowledged();
            cause = p.cause();
            if (cause == null) {
                listener.resumed();
                return;
            }
        }
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = producers.get();
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
