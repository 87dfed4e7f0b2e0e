package flux.capture;

import flux.capture.verify.WalRecordWriter;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The reads and writes of {@code flux.state_mutations} that capture makes while streaming, behind
 * one door (the SQL stays with {@link WalRecordWriter} and {@code RecordImages}). Each instance
 * is used by one thread; {@link #abort} may come from another.
 */
interface MutationLog extends AutoCloseable {

    /** The records, in the same order, with their images and error as stored (as they were, when pruned). */
    List<WalMutationRecord> withImages(List<WalMutationRecord> records) throws SQLException, InterruptedException;

    /**
     * Writes a {@code source = 'wal'} record per untracked change of one transaction, which committed
     * at {@code committedAt}, unless that transaction's were written before (a replay); either way
     * returns their tenants.
     */
    WalRecordWriter.Recorded recordUntracked(long txid8, String requestId, Instant committedAt,
                                             List<WalChange> untracked) throws SQLException;

    /**
     * The tenant that owns {@code schema} (schema-mode tenancy), or null: a snapshot's READ messages
     * carry it, or else the row's {@code tenant_id}, as a raw write's record would ({@code WalRecords}).
     */
    String schemaOwner(String schema) throws SQLException;

    /** From another thread: ends a call that hangs (the next call starts afresh). */
    void abort();

    @Override
    void close();
}
