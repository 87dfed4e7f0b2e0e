package flux.capture.wal;

import com.fasterxml.jackson.databind.JsonNode;
import flux.log.Source;
import flux.log.Status;

/**
 * A row inserted into {@code flux.state_mutations}, as it arrived through the WAL. Columns
 * mean what docs/contracts.md says. The WAL carries only the pairing columns (the publication's
 * column list): {@code oldImage}, {@code newImage} and {@code error} are null until read from the
 * table ({@link #withImages}); images are parsed jsonb, null where SQL had null.
 *
 * @param txid the record's own {@code txid} column (xid8), null when absent or unreadable; for a
 *             rolled-back attempt it names the failed transaction, not the one that wrote the record
 */
public record WalMutationRecord(long id, String requestId, Long txid, String tableSchema, String tableName,
                                String rowId, Operation operation, JsonNode oldImage, JsonNode newImage, String status, String error, String tenantId,
                                String source, long lsn) {

    public static final String STATUS_ROLLED_BACK = Status.ROLLED_BACK.stored();
    public static final String SOURCE_WAL = Source.WAL.stored();
    /** Capture's record of a write made through the SQL console (a transaction the console marked). */
    public static final String SOURCE_CONSOLE = Source.CONSOLE.stored();

    /** This record with its images and error as stored in the table. */
    public WalMutationRecord withImages(JsonNode oldImage, JsonNode newImage, String error) {
        return new WalMutationRecord(id, requestId, txid, tableSchema, tableName, rowId, operation, oldImage, newImage,
                status, error, tenantId, source, lsn);
    }

    public boolean rolledBack() {
        return STATUS_ROLLED_BACK.equals(status);
    }

    /** Written by capture itself for a change that bypassed the API: never paired nor republished. */
    public boolean writtenByCapture() {
        return SOURCE_WAL.equals(source) || SOURCE_CONSOLE.equals(source);
    }

    public String qualifiedName() {
        return tableSchema + "." + tableName;
    }
}
