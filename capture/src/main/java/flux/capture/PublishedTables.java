package flux.capture;

import flux.log.SchemaChange;
import java.sql.SQLException;
import java.util.List;

/**
 * What capture asks about a table whose mutation records have no WAL change (see {@link LogBackfill}):
 * whether it was in the publication then, and its key; and what the schema journal recorded under a
 * name, for a change Debezium delivered without a key ({@link JournalKeys}). Behind an interface so the
 * handler's logic is tested without a database. Used by the streaming thread.
 */
interface PublishedTables extends AutoCloseable {

    /**
     * Whether the table named was in the publication when a change at {@code lsn} was written: false
     * when it is not a member now, or joined at a later position ({@code flux.capture_joins}).
     */
    boolean publishedAt(String schema, String table, long lsn) throws SQLException;

    /** The table's primary key columns in key order (the last it had, when it was dropped since). */
    List<String> keyColumns(String schema, String table) throws SQLException;

    /** The schema journal's changes under or away from the name, in journal order ({@code SchemaJournal.underName}). */
    List<SchemaChange> journaledUnder(String schema, String table) throws SQLException;

    @Override
    void close();
}
