package flux.capture.verify;

import flux.capture.wal.TransactionIds;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import flux.capture.wal.WalTransaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Pairs each WAL data change of a transaction with the mutation record the engine wrote for
 * it in the same transaction: same table, operation and row_id, first unpaired record first
 * (a transaction may change a row twice). A change whose row_id rendering differs from the
 * record's (unusual key types) falls back to the first unpaired record of the same table and
 * operation, and the image comparison then tells whether the pairing was right.
 *
 * <p>Records that capture wrote itself ({@code source = 'wal'} or {@code 'console'}) are ignored:
 * they describe changes already published. So are committed records that name another
 * transaction ({@code txid}): the engine's records name the transaction that writes them, so
 * such a record is a copy of an old one (a tenant's history put back by a restore), not a
 * change of this transaction. Rolled-back attempts are set aside for {@code flux.rolled_back}.
 *
 * <p>Records decoded from the WAL carry no images (see {@link RecordImages}): {@link #check}
 * then pairs only, and {@link #compareImages} compares each pair once its record's images are read.
 */
public final class CrossCheck {
    private final TransactionIds transactionIds;

    public CrossCheck(TransactionIds transactionIds) {
        this.transactionIds = transactionIds;
    }

    /**
     * @param published  every data change in WAL order, with the request and source it is published under
     * @param untracked  the changes with no record: they get a {@code source = 'wal'} record
     * @param rolledBack rolled-back attempt records, published to {@code flux.rolled_back}
     * @param txid8      the transaction's xid8
     * @param walRequestId request id for untracked changes: the transaction's API request if it had one,
     *                   otherwise {@code wal:<txid>}
     */
    public record Result(List<Outgoing> published, List<WalChange> untracked, List<WalMutationRecord> rolledBack,
                         List<Discrepancy> discrepancies, long txid8, String walRequestId, int matched) {
    }

    /**
     * A change as it goes to Kafka. {@code source} is {@code api} or {@code wal}; {@code tenantId}
     * is the paired record's tenant, or null; for an untracked change it is null here and set,
     * with {@link #asRecorded}, to what its record in the log was given ({@link WalRecordWriter}
     * decides: the tenant is the schema's owner or the row's {@code tenant_id}; the source and
     * request id are {@code console} and the console's for a transaction the SQL console marked).
     * {@code record} is the mutation record it was paired with, null for an untracked change.
     */
    public record Outgoing(WalChange change, String requestId, String source, String tenantId,
                           WalMutationRecord record) {
        /** An untracked change as its record in the log has it: tenant, request id and source. */
        public Outgoing asRecorded(String tenant, String recordedRequestId, String recordedSource) {
            return new Outgoing(change, recordedRequestId, recordedSource, tenant, record);
        }
    }

    /**
     * The columns in which a paired record's images differ from its change's, or null when they
     * agree. A record without images (not read yet, or no longer in the log) agrees.
     */
    public static Discrepancy.ImageMismatch compareImages(WalChange change, WalMutationRecord record) {
        List<String> differing = new ArrayList<>(ImageComparison.differingColumns(record.oldImage(), change.before()));
        for (String column : ImageComparison.differingColumns(record.newImage(), change.after())) {
            if (!differing.contains(column)) {
                differing.add(column);
            }
        }
        return differing.isEmpty() ? null : new Discrepancy.ImageMismatch(change, record, differing);
    }

    public Result check(WalTransaction tx) {
        List<WalMutationRecord> rolledBack = new ArrayList<>();
        Map<String, Deque<WalMutationRecord>> byRow = new HashMap<>();
        Set<WalMutationRecord> unpaired = Collections.newSetFromMap(new IdentityHashMap<>());
        List<WalMutationRecord> apiRecords = new ArrayList<>();
        for (WalMutationRecord r : tx.records()) {
            if (r.rolledBack()) {
                rolledBack.add(r);
            } else if (!r.writtenByCapture() && !copiedFromAnother(r, tx)) {
                apiRecords.add(r);
                unpaired.add(r);
                byRow.computeIfAbsent(rowKey(r.tableSchema(), r.tableName(), r.operation().name(), r.rowId()),
                        k -> new ArrayDeque<>()).add(r);
            }
        }
        long txid8 = apiRecords.isEmpty() || apiRecords.get(0).txid() == null
                ? transactionIds.toXid8(tx.xid()) : apiRecords.get(0).txid();
        String walRequestId = apiRecords.isEmpty() ? "wal:" + txid8 : apiRecords.get(0).requestId();

        // Exact pairs first, so the fallback can only take records that no change names exactly.
        List<WalChange> changes = tx.changes();
        WalMutationRecord[] pairs = new WalMutationRecord[changes.size()];
        for (int i = 0; i < pairs.length; i++) {
            WalChange c = changes.get(i);
            pairs[i] = take(byRow.get(rowKey(c.schema(), c.table(), c.operation().name(), c.rowId())), unpaired);
            if (pairs[i] != null) {
                unpaired.remove(pairs[i]);
            }
        }
        for (int i = 0; i < pairs.length; i++) {
            if (pairs[i] == null) {
                pairs[i] = firstOfTable(apiRecords, unpaired, changes.get(i));
                if (pairs[i] != null) {
                    unpaired.remove(pairs[i]);
                }
            }
        }
        List<Outgoing> published = new ArrayList<>(changes.size());
        List<WalChange> untracked = new ArrayList<>();
        List<Discrepancy> discrepancies = new ArrayList<>();
        int matched = 0;
        for (int i = 0; i < pairs.length; i++) {
            WalChange change = changes.get(i);
            WalMutationRecord record = pairs[i];
            if (record == null) {
                untracked.add(change);
                published.add(new Outgoing(change, walRequestId, WalMutationRecord.SOURCE_WAL, null, null));
                continue;
            }
            matched++;
            Discrepancy.ImageMismatch mismatch = compareImages(change, record);
            if (mismatch != null) {
                discrepancies.add(mismatch);
            }
            published.add(new Outgoing(change, record.requestId(), "api", record.tenantId(), record));
        }
        for (WalMutationRecord r : apiRecords) {
            if (unpaired.contains(r)) {
                discrepancies.add(new Discrepancy.MissingChange(txid8, r));
            }
        }
        return new Result(published, untracked, rolledBack, discrepancies, txid8, walRequestId, matched);
    }

    /** The low 32 bits are the decoded xid itself: comparing them needs no epoch. */
    private static boolean copiedFromAnother(WalMutationRecord r, WalTransaction tx) {
        return r.txid() != null && (r.txid() & 0xFFFFFFFFL) != (tx.xid() & 0xFFFFFFFFL);
    }

    private static WalMutationRecord take(Deque<WalMutationRecord> candidates, Set<WalMutationRecord> unpaired) {
        if (candidates == null) {
            return null;
        }
        WalMutationRecord r;
        while ((r = candidates.poll()) != null) {
            if (unpaired.contains(r)) {
                return r;
            }
        }
        return null;
    }

    private static WalMutationRecord firstOfTable(List<WalMutationRecord> records, Set<WalMutationRecord> unpaired,
                                                  WalChange change) {
        for (WalMutationRecord r : records) {
            if (unpaired.contains(r) && r.operation() == change.operation()
                    && r.tableSchema().equals(change.schema()) && r.tableName().equals(change.table())) {
                return r;
            }
        }
        return null;
    }

    private static String rowKey(String schema, String table, String op, String rowId) {
        return schema + '\u0000' + table + '\u0000' + op + '\u0000' + rowId;
    }
}
