package flux.log;

/**
 * A committed change of a tracked table that has no record in the log (raw SQL bypassed the
 * API), as capture decoded it from the WAL: what {@link WalRecords} records with
 * {@code source = 'wal'}. Images are the WAL's rendering of the row as JSON text (column to
 * value), null where the operation has none; {@code rowId} in the log's form (docs/contracts.md),
 * empty for a TRUNCATE. {@code placedAfter}: the highest record id capture had streamed before
 * this change, its place in commit order (mutation-log.sql). {@code oldRowId}: for an UPDATE of the
 * primary key, the key before (null otherwise).
 */
public record UntrackedChange(String tableSchema, String tableName, String rowId, Operation operation,
                              String oldImage, String newImage, long placedAfter, String oldRowId) {
}
