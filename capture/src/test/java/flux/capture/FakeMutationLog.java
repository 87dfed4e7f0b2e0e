package flux.capture;

import flux.capture.verify.WalRecordWriter;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The mutation log without a database: records come back as they are (their images agree), untracked
 * changes are recorded in memory. {@link #refuse} makes every call fail as PostgreSQL would.
 */
final class FakeMutationLog implements MutationLog {
    private final List<Long> recordedTransactions = new ArrayList<>();
    private final List<WalChange> recordedChanges = new ArrayList<>();
    private SQLException refusal;
    private UnaryOperator<WalMutationRecord> stored = UnaryOperator.identity();

    /** Records come back as {@code images} makes them (with the images the log would hold). */
    FakeMutationLog images(UnaryOperator<WalMutationRecord> images) {
        this.stored = images;
        return this;
    }

    FakeMutationLog refuse(SQLException e) {
        this.refusal = e;
        return this;
    }

    @Override
    public List<WalMutationRecord> withImages(List<WalMutationRecord> records) throws SQLException {
        if (refusal != null) {
            throw refusal;
        }
        return records.stream().map(stored).toList();
    }

    @Override
    public WalRecordWriter.Recorded recordUntracked(long txid8, String requestId, java.time.Instant committedAt,
                                                    List<WalChange> untracked) throws SQLException {
        if (refusal != null) {
            throw refusal;
        }
        recordedTransactions.add(txid8);
        recordedChanges.addAll(untracked);
        return new WalRecordWriter.Recorded(untracked.size(), Collections.nCopies(untracked.size(), null), requestId,
                "wal");
    }

    @Override
    public String schemaOwner(String schema) throws SQLException {
        if (refusal != null) {
            throw refusal;
        }
        return null; // no schema tenants without a database
    }

    /** The untracked changes recorded, in order. */
    List<WalChange> recordedChanges() {
        return recordedChanges;
    }

    /** The transactions whose untracked changes were recorded, in order. */
    List<Long> recordedTransactions() {
        return recordedTransactions;
    }

    @Override
    public void abort() {
    }

    @Override
    public void close() {
    }
}
