package flux.capture.verify;

import flux.capture.wal.WalChange;
import flux.log.Operation;
import flux.log.TxId;
import flux.log.UntrackedChange;
import flux.log.WalRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Completes the mutation log for writes that bypassed the API: one {@code source = 'wal'} record
 * per untracked change, all of one source transaction together, through the log's
 * {@link WalRecords} (which owns the statements: replays are not written twice, images are
 * re-rendered in the engine's form, each record gets the tenant whose history it belongs in; a
 * transaction the SQL console marked is recorded with {@code source = 'console'}).
 * {@link #write} returns those tenants, so the Kafka messages carry the tenant the log has.
 *
 * <p>These inserts come back through the WAL as records with {@code source = 'wal'} or {@code 'console'};
 * {@link CrossCheck} ignores those, so nothing feeds back.
 */
public final class WalRecordWriter {

    /**
     * What {@link #write} did: how many records it wrote (0 for a transaction recorded before),
     * each untracked change's tenant as its record has it (null: none), in the order given, and
     * the records' request id and source ({@code wal}, or {@code console} for a transaction the
     * SQL console marked, with the console's request id).
     */
    public record Recorded(int written, List<String> tenants, String requestId, String source) {
    }

    /**
     * Writes the records, dated {@code committedAt} and placed where each change's
     * {@link WalChange#placedAfter} says, unless this transaction's were written before; either way
     * returns their tenants.
     */
    public Recorded write(Connection c, long txid8, String requestId, Instant committedAt, List<WalChange> untracked)
            throws SQLException {
        List<UntrackedChange> changes = new ArrayList<>(untracked.size());
        for (WalChange change : untracked) {
            changes.add(new UntrackedChange(change.schema(), change.table(), change.rowId(), logged(change),
                    change.before() == null ? null : change.before().toString(),
                    change.after() == null ? null : change.after().toString(), change.placedAfter(), change.oldRowId()));
        }
        WalRecords.Recorded recorded = WalRecords.write(c, new TxId(txid8), requestId, committedAt, changes);
        return new Recorded(recorded.written(), recorded.tenants(), recorded.requestId(), recorded.source().stored());
    }

    private static Operation logged(WalChange change) {
        return switch (change.operation()) {
            case INSERT -> Operation.INSERT;
            case UPDATE -> Operation.UPDATE;
            case DELETE -> Operation.DELETE;
            case TRUNCATE -> Operation.TRUNCATE;
        };
    }
}
