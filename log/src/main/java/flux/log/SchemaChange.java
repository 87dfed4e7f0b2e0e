package flux.log;

import java.time.Instant;
import java.util.List;

/**
 * One row of the schema journal {@code flux.schema_changes} (see {@link SchemaJournal}): a change to
 * the shape of a user table. {@code tableSchema}/{@code tableName} name the table after the change
 * (before it, for {@link Kind#DROP_TABLE}); {@code columnsJson} (JSON text, {@code [{"name", "type"}]}
 * in table order) and {@code keyColumns} are its shape after the change (before it, for a drop).
 * Fields a kind does not use are null: {@code oldTable*} except for a table rename, {@code column*}
 * for table-level kinds, {@code oldColumnName} except for a column rename, {@code oldColumnType}
 * except for a type change; {@code valueForExisting} (JSON text) is what rows that existed read in an
 * added column (the JSON {@code null} for NULL), null when each row got its own or for other kinds;
 * {@code migration} is set for a change a migration made; {@code command} when the event trigger saw
 * the DDL command; {@code role} when the change was recorded inside the DDL's own transaction.
 */
public record SchemaChange(long id, TxId txid, Kind kind, long tableOid, String tableSchema, String tableName,
                           String oldTableSchema, String oldTableName, String columnName, String oldColumnName,
                           String columnType, String oldColumnType, String valueForExisting, String columnsJson,
                           List<String> keyColumns, String migration, Recorder recordedBy, String command,
                           String role, Instant createdAt) {

    /** What changed; stored as the lower-case name ({@code rename_column}). */
    public enum Kind {
        CREATE_TABLE, DROP_TABLE, RENAME_TABLE, ADD_COLUMN, DROP_COLUMN, RENAME_COLUMN, ALTER_COLUMN_TYPE,
        ALTER_PRIMARY_KEY;

        public String stored() {
            return name().toLowerCase();
        }

        public static Kind of(String stored) {
            return valueOf(stored.toUpperCase());
        }
    }

    /** Who recorded it, and so how it is ordered against the data written around it (docs/capture.md). */
    public enum Recorder {
        /** Capture's event trigger, inside the DDL's transaction. */
        EVENT_TRIGGER,
        /** Flux's migrator, inside the migration's transaction. */
        MIGRATION,
        /** The detector that polls the catalog, after the DDL committed. */
        DETECTOR;

        public String stored() {
            return name().toLowerCase();
        }

        public static Recorder of(String stored) {
            return valueOf(stored.toUpperCase());
        }
    }
}
