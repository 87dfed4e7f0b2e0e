package flux.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An attempt whose transaction rolled back, from {@code flux.rolled_back}: what the request tried,
 * from its mutation record. Nothing of it is in the table.
 *
 * @param op         the attempted operation
 * @param before     the record's old image
 * @param after      the record's new image (for an insert: the input row)
 * @param txid       the failed transaction; null if it failed before it had one
 * @param lsn        the record's WAL position
 * @param status     {@code rolled_back}
 * @param error      {@code SQLSTATE: message}
 * @param mutationId the record's id in {@code flux.state_mutations}
 * @param tenant     header {@code flux-tenant-id}, else the value's {@code tenant_id}
 */
public record FluxRolledBack(Op op, String schema, String table, String rowId, JsonNode before, JsonNode after,
                             String requestId, Long txid, Long lsn, long tsMs, String source, String status,
                             String error, long mutationId, String tenant) implements FluxMessage {
}
