package flux.log;

import flux.pg.DatabaseException;
import flux.pg.SchemaScript;
import flux.pg.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The schema journal, {@code flux.schema_changes}: every change to the shape of a user table,
 * whoever made it, with the shapes last recorded that changes are found against
 * ({@code flux/log/schema-journal.sql}, where {@code flux.record_schema_changes} does the finding, the
 * one place for it: capture's event trigger calls it inside the DDL's transaction, this class for
 * the migrator and the detector). Also the fingerprint of the catalog that the detector polls, and
 * the reads of a table's changes that history follows renames with.
 */
public final class SchemaJournal {
    /** The journal's table, in schema {@link LogSchema#SCHEMA}. */
    public static final String TABLE = "schema_changes";
    private static final String RESOURCE = "flux/log/schema-journal.sql";
    private static final String RECORD = "SELECT * FROM flux.record_schema_changes(NULL, ?)";
    private static final String INSTALLED = "SELECT to_regprocedure('flux.record_schema_changes(oid[], text, text)') IS NOT NULL";
    /**
     * Changes whenever flux.record_schema_changes could find something: every DDL on a user table
     * writes a new version of its pg_class, pg_attribute, pg_index (primary key) or pg_namespace row,
     * with the DDL's transaction id as xmin (ANALYZE and VACUUM update pg_class in place, keeping it).
     * Cheaper than rendering the shapes: 2.7 ms for 25 tables, 12 ms for 500 tables of 10 columns
     * on the 2-core development machine at load 14.
     */
    private static final String FINGERPRINT = """
            SELECT count(*) || ':' || coalesce(sum(a.xmin::text::bigint + c.xmin::text::bigint
                                                   + n.xmin::text::bigint + coalesce(i.xmin::text::bigint, 0)), 0)
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
              LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'flux') AND n.nspname NOT LIKE 'pg\\_%'
            """;
    private static final String OF_TABLE = "SELECT * FROM flux.schema_changes WHERE table_oid = ? ORDER BY id";
    /** Old names have no index: the journal holds one row per DDL, and capture asks only for keyless changes. */
    private static final String UNDER_NAME = """
            SELECT * FROM flux.schema_changes
             WHERE (table_schema = ? AND table_name = ?) OR (old_table_schema = ? AND old_table_name = ?)
             ORDER BY id
            """;
    /** Other tables' creations and renames that took a name the table was renamed away from, after that rename. */
    private static final String NAME_TAKERS = """
            SELECT o.* FROM flux.schema_changes r
              JOIN flux.schema_changes o ON o.table_schema = r.old_table_schema AND o.table_name = r.old_table_name
                                        AND o.id > r.id AND o.table_oid <> r.table_oid
                                        AND o.change IN ('create_table', 'rename_table')
             WHERE r.table_oid = ? AND r.change = 'rename_table'
             ORDER BY o.id
            """;
    /** The table a name designates now, else the one it designated last (a dropped or renamed table). */
    private static final String TABLE_OID = """
            SELECT table_oid FROM flux.schema_tables WHERE table_schema = ? AND table_name = ?
            UNION ALL
            (SELECT table_oid FROM flux.schema_changes
              WHERE (table_schema = ? AND table_name = ?) OR (old_table_schema = ? AND old_table_name = ?)
              ORDER BY id DESC LIMIT 1)
            LIMIT 1
            """;

    /** A table's key by name: as the catalog has it now, else as the last change of that name left it (dropped since). */
    private static final String KEY_COLUMNS = """
            SELECT key_columns FROM flux.user_tables WHERE table_schema = ? AND table_name = ?
            UNION ALL
            (SELECT key_columns FROM flux.schema_changes WHERE table_schema = ? AND table_name = ? ORDER BY id DESC LIMIT 1)
            LIMIT 1
            """;

    private SchemaJournal() {
    }

    /** The journal's DDL, for {@link flux.pg.SchemaInstaller}, after {@link LogSchema#script()}. */
    public static SchemaScript script() {
        return SchemaScript.resource(SchemaJournal.class, RESOURCE);
    }

    /**
     * Journals what changed since the shapes were last recorded, in a REPEATABLE READ transaction of
     * its own on {@code c} (autocommit): two recorders that find the same change conflict on the
     * recorded shapes, and one of them fails with SQLSTATE 40001 instead of both journaling it; the
     * loser finds nothing when it tries again. Returns the changes, in journal order.
     *
     * @param announce run in the transaction after recording when there were changes (e.g. a
     *                 {@code NOTIFY}, delivered only if the changes commit); may be null
     */
    public static List<SchemaChange> record(Connection c, SchemaChange.Recorder recorder, Announcement announce) {
        try {
            int isolation = c.getTransactionIsolation();
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return Transactions.call(c, x -> {
                    List<SchemaChange> changes = recordInTransaction(x, recorder);
                    if (!changes.isEmpty() && announce != null) {
                        announce.announce(x, changes);
                    }
                    return changes;
                });
            } finally {
                c.setTransactionIsolation(isolation);
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Work done in the recording transaction, once there are changes. */
    @FunctionalInterface
    public interface Announcement {
        void announce(Connection c, List<SchemaChange> changes) throws SQLException;
    }

    /**
     * Journals what changed, in the transaction open on {@code c} (a migration's: the changes are then
     * ordered with it, and carry its {@code flux.migration} setting).
     */
    public static List<SchemaChange> recordInTransaction(Connection c, SchemaChange.Recorder recorder) {
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            ps.setString(1, recorder.stored());
            return read(ps);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * {@link #recordInTransaction}, where the journal is installed (a database a Flux server used);
     * elsewhere (a database only migrated by the CLI so far) nothing, and an empty list.
     */
    public static List<SchemaChange> recordIfInstalled(Connection c, SchemaChange.Recorder recorder) {
        try (PreparedStatement ps = c.prepareStatement(INSTALLED); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return List.of();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return recordInTransaction(c, recorder);
    }

    /** A text that changes whenever a user table's shape may have changed (see {@link #FINGERPRINT}). */
    public static String fingerprint(PreparedStatement statement) {
        try (ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** The fingerprint's statement, prepared once per connection by a poller. */
    public static PreparedStatement prepareFingerprint(Connection c) {
        try {
            return c.prepareStatement(FINGERPRINT);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Every change journaled for the table with this oid, in journal order. */
    public static List<SchemaChange> ofTable(Connection c, long tableOid) {
        try (PreparedStatement ps = c.prepareStatement(OF_TABLE)) {
            ps.setLong(1, tableOid);
            return read(ps);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Every change journaled under the name {@code schema.name} (the name after the change, before it
     * for a drop) or away from it (a table renamed from it), whichever tables bore it, in journal order.
     */
    public static List<SchemaChange> underName(Connection c, String schema, String name) {
        try (PreparedStatement ps = c.prepareStatement(UNDER_NAME)) {
            for (int i = 0; i < 2; i++) {
                ps.setString(2 * i + 1, schema);
                ps.setString(2 * i + 2, name);
            }
            return read(ps);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * The changes by which other tables took a name the table with this oid was renamed away from
     * (created under it, or renamed to it, after that rename), in journal order: where records logged
     * under a former name stop being this table's.
     */
    public static List<SchemaChange> nameTakers(Connection c, long tableOid) {
        try (PreparedStatement ps = c.prepareStatement(NAME_TAKERS)) {
            ps.setLong(1, tableOid);
            return read(ps);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * The oid of the table {@code schema.name} designates now, or, when none does, of the table it
     * designated last (dropped or renamed since); null when the journal never knew the name.
     */
    public static Long tableOid(Connection c, String schema, String name) {
        try (PreparedStatement ps = c.prepareStatement(TABLE_OID)) {
            for (int i = 0; i < 3; i++) {
                ps.setString(2 * i + 1, schema);
                ps.setString(2 * i + 2, name);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong("table_oid") : null;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * The primary key columns of table {@code schema.name}, in key order: as the catalog has them, or,
     * for a table dropped since, as the journal last recorded them; empty when neither knows the name.
     */
    public static List<String> keyColumns(Connection c, String schema, String name) {
        try (PreparedStatement ps = c.prepareStatement(KEY_COLUMNS)) {
            for (int i = 0; i < 2; i++) {
                ps.setString(2 * i + 1, schema);
                ps.setString(2 * i + 2, name);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? texts(rs.getArray("key_columns")) : List.of();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static List<SchemaChange> read(PreparedStatement ps) throws SQLException {
        List<SchemaChange> changes = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                changes.add(new SchemaChange(rs.getLong("id"), TxId.parse(rs.getString("txid")),
                        SchemaChange.Kind.of(rs.getString("change")), rs.getLong("table_oid"),
                        rs.getString("table_schema"), rs.getString("table_name"), rs.getString("old_table_schema"),
                        rs.getString("old_table_name"), rs.getString("column_name"), rs.getString("old_column_name"),
                        rs.getString("column_type"), rs.getString("old_column_type"),
                        rs.getString("value_for_existing"), rs.getString("columns"), texts(rs.getArray("key_columns")),
                        rs.getString("migration"), SchemaChange.Recorder.of(rs.getString("detected_by")),
                        rs.getString("command"), rs.getString("role"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()));
            }
        }
        return changes;
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }
}
