package flux.bench;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Commit -> Kafka consumer latency at a fixed transaction rate: writer threads commit
 * single-row API-style transactions on an open-loop schedule (a late transaction is not
 * skipped, so stalls count), noting the time each commit returned; a consumer notes when each
 * row's message arrives. Latency per row = arrival - commit return, same JVM clock. It is split
 * at the message's Kafka timestamp (CreateTime: when capture handed it to the producer, wall
 * clock, millisecond resolution): commit -> capture sends (WAL decoding, Debezium's queue,
 * pairing) and send -> consumer receives (linger, broker append and replication ack, fetch).
 */
final class LatencyProbe {
    record Result(double targetRate, double achievedRate, int samples, long missing, double p50Ms, double p99Ms,
                  double p999Ms, double maxMs, Part toSend, Part sendToConsumer) {
    }

    /** One leg of the latency, from wall-clock milliseconds. */
    record Part(double p50Ms, double p99Ms, double p999Ms) {
    }

    /** When a row's commit returned / its message arrived: JVM clock, wall clock, and the message's timestamp. */
    private record Times(long nanos, long wallMs, long kafkaMs) {
    }

    private final BenchDatabase db;
    private final String bootstrap;
    private final String table;
    private final AtomicLong nextId = new AtomicLong(1);

    LatencyProbe(BenchDatabase db, String bootstrap, String table) {
        this.db = db;
        this.bootstrap = bootstrap;
        this.table = table;
    }

    Result run(double txPerSecond, Duration duration, int writers) throws Exception {
        Map<Long, Times> committed = new ConcurrentHashMap<>();
        Map<Long, Times> arrived = new ConcurrentHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of("flux.public." + table));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            consumer.poll(Duration.ofMillis(10));
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            List<Thread> threads = new ArrayList<>();
            long interval = (long) (writers * 1e9 / txPerSecond);
            List<Exception> failures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long offset = w * interval / writers;
                Thread t = new Thread(() -> write(start + offset, end, interval, committed, failures), "latency-writer-" + w);
                threads.add(t);
                t.start();
            }
            long drainUntil = Long.MAX_VALUE;
            while (System.nanoTime() < drainUntil) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                    arrived.putIfAbsent(idOf(r.key()), new Times(System.nanoTime(), System.currentTimeMillis(), r.timestamp()));
                }
                if (drainUntil == Long.MAX_VALUE && threads.stream().noneMatch(Thread::isAlive)) {
                    drainUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
                if (drainUntil != Long.MAX_VALUE && arrived.keySet().containsAll(committed.keySet())) {
                    break;
                }
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            List<Long> received = committed.keySet().stream().filter(arrived::containsKey).toList();
            long[] latencies = received.stream().mapToLong(id -> arrived.get(id).nanos() - committed.get(id).nanos())
                    .sorted().toArray();
            long[] toSend = received.stream().mapToLong(id -> arrived.get(id).kafkaMs() - committed.get(id).wallMs())
                    .sorted().toArray();
            long[] sendToConsumer = received.stream().mapToLong(id -> arrived.get(id).wallMs() - arrived.get(id).kafkaMs())
                    .sorted().toArray();
            double seconds = duration.toNanos() / 1e9;
            return new Result(txPerSecond, committed.size() / seconds, latencies.length,
                    committed.size() - latencies.length, ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)),
                    ms(percentile(latencies, 0.999)), ms(latencies.length == 0 ? 0 : latencies[latencies.length - 1]),
                    part(toSend), part(sendToConsumer));
        }
    }

    private static Part part(long[] sortedMs) {
        return new Part(percentile(sortedMs, 0.50), percentile(sortedMs, 0.99), percentile(sortedMs, 0.999));
    }

    private void write(long first, long end, long interval, Map<Long, Times> committed, List<Exception> failures) {
        try (Connection c = db.connect()) {
            for (long due = first; due < end; due += interval) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long id = nextId.getAndIncrement();
                BenchDatabase.insertRange(c, table, "lat-" + id, id, id);
                committed.put(id, new Times(System.nanoTime(), System.currentTimeMillis(), 0));
            }
        } catch (Exception e) {
            synchronized (failures) {
                failures.add(e);
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** Keys are {"id":N}: parsing the digits is enough and keeps the consumer thread light. */
    private static long idOf(byte[] key) {
        long v = 0;
        for (byte b : key) {
            if (b >= '0' && b <= '9') {
                v = v * 10 + (b - '0');
            }
        }
        return v;
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
