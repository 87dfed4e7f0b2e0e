package flux.capture;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's committer as the handler sees it: keeps what was marked processed, in order. The
 * engine stores the offset of the last record marked, so that is where a restart resumes.
 */
final class RecordingCommitter implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
    private final List<SourceRecord> marked = new ArrayList<>();
    private int batchesFinished;

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> event) {
        marked.add(event.record());
    }

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> event, DebeziumEngine.Offsets offsets) {
        throw new UnsupportedOperationException("capture never overrides Debezium's offsets");
    }

    @Override
    public void markBatchFinished() {
        batchesFinished++;
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
        throw new UnsupportedOperationException("capture never overrides Debezium's offsets");
    }

    List<SourceRecord> marked() {
        return marked;
    }

    int batchesFinished() {
        return batchesFinished;
    }
}
