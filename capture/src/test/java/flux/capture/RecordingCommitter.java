package flux.capture;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's committer as the handler sees it: keeps what was marked processed, in order, and the
 * offset the engine would store: that of the last record marked (its own, or the offsets given
 * with it, as the engine does), so that is where a restart resumes.
 */
final class RecordingCommitter implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
    private final List<SourceRecord> marked = new ArrayList<>();
    private Map<String, Object> storedOffset;
    private int batchesFinished;

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> event) {
        marked.add(event.record());
        storedOffset = new HashMap<>(event.record().sourceOffset());
    }

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> event, DebeziumEngine.Offsets offsets) {
        marked.add(event.record());
        storedOffset = ((MapOffsets) offsets).values;
    }

    @Override
    public void markBatchFinished() {
        batchesFinished++;
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
        return new MapOffsets();
    }

    /** The offset the engine would store now (null before the first mark). */
    Map<String, Object> storedOffset() {
        return storedOffset;
    }

    private static final class MapOffsets implements DebeziumEngine.Offsets {
        final Map<String, Object> values = new HashMap<>();

        @Override
        public void set(String key, Object value) {
            values.put(key, value);
        }
    }

    List<SourceRecord> marked() {
        return marked;
    }

    int batchesFinished() {
        return batchesFinished;
    }
}
