package flux.query.mutation;

/**
 * One mutation as the engine wrote it to {@code flux.state_mutations} (or, after a failure,
 * as it will record the attempt). Images are JSON text as PostgreSQL's {@code to_jsonb}
 * rendered them; {@code oldImage} is null for an INSERT, {@code newImage} for a DELETE;
 * {@code changedColumns} is a JSON array text for an UPDATE, otherwise null; {@code txid}
 * is null when unknown.
 */
public record MutationRecord(String tableSchema, String tableName, String rowId, String operation,
                             String oldImage, String newImage, String changedColumns, String txid) {
}
