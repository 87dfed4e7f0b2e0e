package flux.log;

/**
 * One row change the engine made, or tried to make, before it is a stored record: what the
 * engine keeps of its writes until the transaction ends, so that a transaction that fails can
 * have them recorded as rolled back ({@link RolledBackAttempts}).
 *
 * <p>{@code oldImage} and {@code newImage} are JSON text as PostgreSQL's {@code to_jsonb}
 * rendered them (null where the operation has none); {@code changedColumns} is a JSON array
 * text ({@code ["plan"]}) for an UPDATE, otherwise null. They stay text: the engine reads them
 * back from its own statements and only ever hands them to PostgreSQL again, so parsing them
 * would cost every write and serve nobody. {@code rowId} follows docs/contracts.md (empty when
 * an attempted insert gave no key). {@code txid} is null when the transaction never had one.
 */
public record Mutation(String tableSchema, String tableName, String rowId, Operation operation,
                       String oldImage, String newImage, String changedColumns, TxId txid) {
}
