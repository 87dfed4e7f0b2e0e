package flux.capture;

import flux.capture.verify.CrossCheck;
import flux.capture.verify.Discrepancy;
import flux.capture.wal.WalMutationRecord;
import flux.log.Source;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes that reach Kafka from the mutation log because the WAL cannot show them: the records of a
 * transaction that have no WAL change, and whose table was not in the publication when they were
 * written. Two kinds:
 * <ul>
 *   <li>API writes to a table created outside Flux before capture added it to the publication (the
 *       engine recorded them; pgoutput skipped the row changes of an unpublished table);
 *   <li>snapshot records ({@code source = 'snapshot'}) written when such a table joined, for the rows
 *       written by other means before the join ({@code flux.record_snapshot}).
 * </ul>
 * Both are published from their stored images, counted {@code backfilled}, not missing. A record of
 * a table that was published when it was written still counts as missing. Asks the database only
 * when a transaction has records without a WAL change, which is rare. Used by the streaming thread.
 */
final class LogBackfill {
    private final PublishedTables tables;
    private final MutationLog mutationLog;

    LogBackfill(PublishedTables tables, MutationLog mutationLog) {
        this.tables = tables;
        this.mutationLog = mutationLog;
    }

    /**
     * @param discrepancies the cross-check's, without the records published here
     * @param backfilled    records to publish, with their images, and their table's key columns
     */
    record Resolved(List<Discrepancy> discrepancies, List<Backfilled> backfilled) {
    }

    /** A record to publish from the log, and its table's primary key columns (for the message key). */
    record Backfilled(WalMutationRecord record, List<String> keyColumns) {
    }

    Resolved resolve(CrossCheck.Result result) throws SQLException, InterruptedException {
        List<Discrepancy> remaining = new ArrayList<>(result.discrepancies().size());
        List<WalMutationRecord> fromLog = new ArrayList<>();
        for (Discrepancy d : result.discrepancies()) {
            if (d instanceof Discrepancy.MissingChange missing && unpublished(missing.record())) {
                fromLog.add(missing.record());
            } else {
                remaining.add(d);
            }
        }
        if (fromLog.isEmpty()) {
            return new Resolved(result.discrepancies(), List.of());
        }
        Map<String, List<String>> keys = new HashMap<>();
        List<Backfilled> backfilled = new ArrayList<>(fromLog.size());
        for (WalMutationRecord r : mutationLog.withImages(fromLog)) {
            List<String> key = keys.get(r.qualifiedName());
            if (key == null) {
                key = tables.keyColumns(r.tableSchema(), r.tableName());
                keys.put(r.qualifiedName(), key);
            }
            backfilled.add(new Backfilled(r, key));
        }
        return new Resolved(remaining, backfilled);
    }

    private boolean unpublished(WalMutationRecord r) throws SQLException {
        return Source.SNAPSHOT.stored().equals(r.source()) || !tables.publishedAt(r.tableSchema(), r.tableName(), r.lsn());
    }
}
