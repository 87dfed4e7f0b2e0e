package flux.capture.wal;

import java.time.Instant;
import java.util.List;

/**
 * All that one committed transaction changed in captured tables, in WAL order: the data
 * changes of tracked tables and the mutation records written to {@code flux.state_mutations}.
 *
 * @param xid   32-bit transaction id (Debezium's {@code txId})
 * @param tsMs  commit time, epoch milliseconds
 * @param committedAt commit time to the microsecond (PostgreSQL's own resolution), when the WAL gave it;
 *                    else {@code tsMs}
 * @param commitLsn   the WAL position of the commit (Debezium's END offset {@code lsn}): one per transaction,
 *                    growing in commit order; the change's own LSN for a change Debezium sent outside BEGIN/END
 */
public record WalTransaction(long xid, long tsMs, Instant committedAt, List<WalChange> changes,
                             List<WalMutationRecord> records, long commitLsn) {
}
