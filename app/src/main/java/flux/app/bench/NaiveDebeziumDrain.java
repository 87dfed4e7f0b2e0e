package flux.app.bench;

import flux.app.cli.CliFailure;
import flux.dev.LocalPostgres;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The second reference point, measured in the same run: Debezium's embedded engine as its
 * documentation shows it, each change converted to JSON by Kafka Connect's {@code JsonConverter}
 * and sent to Kafka as it comes, with the batch's offsets marked once Kafka acknowledged it
 * (at-least-once, as capture). No pairing, no enrichment, no cross-check: every WAL change, row
 * or mutation record, is one message. Debezium's and Kafka's defaults everywhere else, except
 * what the drain needs (the bench's slot and publication, no snapshot, offsets in memory), the
 * 5 ms poll interval capture uses, and JSON without the schema in every message
 * ({@code converter.schemas.enable=false}, the usual choice): in two otherwise equal trials
 * (50,000-row backlog) the default schemas gave 4,979 messages/s, this 12,619, so the baseline is
 * the faster of the two.
 */
final class NaiveDebeziumDrain {
    static final String SLOT = "bench_naive";
    static final String TOPIC_PREFIX = "bench_naive";

    /** {@code messages}: acknowledged in the timed part (its last batch may go past the count asked for). */
    record Result(double seconds, double cpuSeconds, long messages) {
    }

    private NaiveDebeziumDrain() {
    }

    /** The topics it writes to, for the bench to create before timing starts. */
    static List<String> topics(String... tables) {
        List<String> topics = new ArrayList<>();
        for (String table : tables) {
            topics.add(TOPIC_PREFIX + ".public." + table);
        }
        topics.add(TOPIC_PREFIX + ".flux.state_mutations");
        return topics;
    }

    /**
     * Streams slot {@link #SLOT} into Kafka: the first {@code warmup} changes untimed (JIT), then
     * {@code messages} timed, from the batch that passed the warm-up (or, without one, from the
     * engine's first poll, as capture's drain is timed) to the batch that passed the last.
     */
    static Result run(LocalPostgres pg, String bootstrap, long warmup, long messages) throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        CompletableFuture<long[]> timed = new CompletableFuture<>(); // {wall, CPU, acknowledged} at the start
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
             DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
                     .using(properties(pg))
                     .using((success, message, error) -> ended.complete(
                             error != null ? error : new IllegalStateException(message)))
                     .using(new DebeziumEngine.ConnectorCallback() {
                         @Override
                         public void pollingStarted() {
                             if (warmup == 0) {
                                 timed.complete(new long[] {System.nanoTime(), CaptureBenchCommand.processCpuNanos(), 0});
                             }
                         }
                     })
                     .notifying((List<ChangeEvent<String, String>> batch,
                                 DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer) -> {
                         List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
                         for (ChangeEvent<String, String> change : batch) {
                             sends.add(producer.send(new ProducerRecord<>(change.destination(), change.key(), change.value())));
                         }
                         producer.flush();
                         for (Future<RecordMetadata> send : sends) {
                             try {
                                 send.get();
                             } catch (ExecutionException e) { // stops the engine: nothing is marked processed
                                 throw new IllegalStateException("Kafka refused a change: " + e.getCause(), e.getCause());
                             }
                         }
                         for (ChangeEvent<String, String> change : batch) {
                             committer.markProcessed(change);
                         }
                         committer.markBatchFinished();
                         long total = acknowledged.addAndGet(batch.size());
                         if (warmup > 0 && total >= warmup && !timed.isDone()) {
                             timed.complete(new long[] {System.nanoTime(), CaptureBenchCommand.processCpuNanos(), total});
                         }
                     })
                     .build()) {
            ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bench-naive-debezium");
                t.setDaemon(true);
                return t;
            });
            runner.execute(engine);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (!timed.isDone() || acknowledged.get() - timed.get()[2] < messages) {
                if (ended.isDone()) {
                    throw new CliFailure("the naive Debezium engine stopped: " + ended.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new CliFailure("the naive Debezium engine did not publish " + messages + " changes in 600 s");
                }
                Thread.sleep(5);
            }
            long[] start = timed.get();
            Result result = new Result((System.nanoTime() - start[0]) / 1e9,
                    (CaptureBenchCommand.processCpuNanos() - start[1]) / 1e9, acknowledged.get() - start[2]);
            runner.shutdown();
            return result;
        }
    }

    private static Properties properties(LocalPostgres pg) {
        Properties p = new Properties();
        p.setProperty("name", SLOT);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(pg.port()));
        p.setProperty("database.user", LocalPostgres.USER);
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", LocalPostgres.DATABASE);
        p.setProperty("topic.prefix", TOPIC_PREFIX);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", SLOT);
        p.setProperty("publication.name", "bench");
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("poll.interval.ms", "5");
        p.setProperty("converter.schemas.enable", "false");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        return p;
    }
}
