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
 */
public record WalTransaction(long xid, long tsMs, Instant committedAt, List<WalChange> changes,
                             List<WalMutationRecord> records) {
}
