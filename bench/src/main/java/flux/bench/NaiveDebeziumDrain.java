package flux.bench;

import flux.dev.LocalPostgres;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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

    /** Streams slot {@link #SLOT} into Kafka: the first {@code warmup} changes untimed (JIT), then {@code messages} timed. */
    static TimedEngineRun.Result run(LocalPostgres pg, String bootstrap, long warmup, long messages) throws Exception {
        TimedEngineRun run = new TimedEngineRun("naive-debezium", warmup);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            return run.run(DebeziumEngine.create(Json.class)
                    .using(properties(pg))
                    .using(run.completion())
                    .using(run.connector())
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
                        run.counted(batch.size());
                    })
                    .build(), messages);
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
