package flux.bench;

import flux.capture.CaptureConfig;
import flux.capture.EngineProperties;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A third reference beside pg_recvlogical and the naive JSON path: Debezium alone, with capture's
 * own engine settings (transaction markers, column types, batch and queue sizes) and a consumer
 * that only marks each record processed: no pairing, no JSON, no Kafka, offsets in memory. Capture
 * near this rate means its own work (pairing, messages, Kafka, the cross-check) is not what bounds
 * the drain: Debezium decodes every change on one thread before any consumer sees it. It runs
 * last, in the JVM that ran capture and the naive path, so its code is compiled but its type
 * profiles are shared with theirs: a reference, not a strict ceiling.
 */
final class DecodeOnlyDrain {
    static final String SLOT = "bench_decode";

    private DecodeOnlyDrain() {
    }

    /** Streams slot {@link #SLOT}: the first {@code warmup} data changes untimed, then {@code changes} timed. */
    static TimedEngineRun.Result run(CaptureConfig bench, long warmup, long changes) throws Exception {
        TimedEngineRun run = new TimedEngineRun("decode-only", warmup);
        String dataTopics = SLOT + ".";
        String transactionTopic = SLOT + ".transaction";
        return run.run(DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties(bench))
                .using(run.completion())
                .using(run.connector())
                .notifying((List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) -> {
                    long changesInBatch = 0;
                    for (RecordChangeEvent<SourceRecord> event : batch) {
                        String topic = event.record().topic();
                        if (topic.startsWith(dataTopics) && !topic.equals(transactionTopic)) {
                            changesInBatch++;
                        }
                        committer.markProcessed(event);
                    }
                    committer.markBatchFinished();
                    run.counted(changesInBatch);
                })
                .build(), changes);
    }

    /** Capture's engine properties on this baseline's own slot, with offsets in memory. */
    private static Properties properties(CaptureConfig bench) {
        CaptureConfig own = new CaptureConfig(bench.host(), bench.port(), bench.database(), bench.user(),
                bench.password(), SLOT, bench.publicationName(), bench.kafkaBootstrap(), bench.heartbeat(),
                bench.pollInterval(), bench.topics(), bench.snapshots(), bench.engine());
        Properties p = EngineProperties.of(own);
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        return p;
    }
}
