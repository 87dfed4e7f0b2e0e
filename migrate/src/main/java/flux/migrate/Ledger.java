package flux.migrate;

import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two ledger tables in the {@code flux} schema. A transactional migration's row is written
 * in the transaction of the migration it describes, so it exists exactly when the migration
 * committed. A file that runs outside Flux's transaction (its own BEGIN/COMMIT blocks, or
 * CONCURRENTLY) gets its row after its last statement; if it fails part-way after something
 * took effect, its row is written {@code success = false} with the failure in {@code note}:
 * the version is dirty until {@code flux db repair}. Methods use the caller's connection and
 * its transaction; none commits.
 *
 * <p>{@link #GLOBAL} is the database's own ledger; {@link #forTenant} the ledger of one
 * schema-mode tenant's migrations ({@code flux.tenant_migrations},
 * {@code flux.tenant_repeatable_scripts}, keyed by tenant), so each tenant's schema has its own
 * history of applied versions. The SQL of the two differs only in the tables and a tenant
 * predicate, bound like every value.
 */
final class Ledger {
    static final String MIGRATIONS = "flux.flux_migrations";
    static final String SCRIPTS = "flux.flux_repeatable_scripts";
    static final Ledger GLOBAL = new Ledger(null);

    private static final String CREATE = """
            CREATE SCHEMA IF NOT EXISTS flux;
            CREATE TABLE IF NOT EXISTS flux.flux_migrations (
                version         text        PRIMARY KEY,   -- file number without leading zeros, or file name
                installed_rank  bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,  -- order of application
                name            text        NOT NULL,      -- file name when applied
                checksum        text        NOT NULL,      -- sha-256 of the text (BOM and CR ignored)
                applied_at      timestamptz NOT NULL DEFAULT now(),
                applied_by      text        NOT NULL DEFAULT current_user,
                execution_ms    bigint      NOT NULL,
                transactional   boolean     NOT NULL,      -- false: ran statement by statement (CONCURRENTLY)
                success         boolean     NOT NULL DEFAULT true, -- false: dirty, failed part-way outside a transaction
                note            text                       -- why: the failure of a dirty row, baseline, import
            );
            CREATE TABLE IF NOT EXISTS flux.flux_repeatable_scripts (
                name            text        PRIMARY KEY,   -- file name
                checksum        text        NOT NULL,
                applied_at      timestamptz NOT NULL DEFAULT now(),
                applied_by      text        NOT NULL DEFAULT current_user,
                execution_ms    bigint      NOT NULL,
                run_count       integer     NOT NULL DEFAULT 1
            );
            CREATE TABLE IF NOT EXISTS flux.tenant_migrations (
                tenant_id       text        NOT NULL,
                version         text        NOT NULL,
                installed_rank  bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
                name            text        NOT NULL,
                checksum        text        NOT NULL,
                applied_at      timestamptz NOT NULL DEFAULT now(),
                applied_by      text        NOT NULL DEFAULT current_user,
                execution_ms    bigint      NOT NULL,
                transactional   boolean     NOT NULL,
                success         boolean     NOT NULL DEFAULT true,
                note            text,
                PRIMARY KEY (tenant_id, version)
            );
            CREATE TABLE IF NOT EXISTS flux.tenant_repeatable_scripts (
                tenant_id       text        NOT NULL,
                name            text        NOT NULL,
                checksum        text        NOT NULL,
                applied_at      timestamptz NOT NULL DEFAULT now(),
                applied_by      text        NOT NULL DEFAULT current_user,
                execution_ms    bigint      NOT NULL,
                run_count       integer     NOT NULL DEFAULT 1,
                PRIMARY KEY (tenant_id, name)
            );
            -- ledgers made before dirty rows existed
            ALTER TABLE flux.flux_migrations ADD COLUMN IF NOT EXISTS note text;
            ALTER TABLE flux.tenant_migrations ADD COLUMN IF NOT EXISTS note text;
            """;
    /**
     * The ledger's statements: over the global tables, or over the tenant tables with the
     * tenant id bound as the last parameter. Table names are these constants, never input.
     */
    private record Sql(String exists, String selectMigrations, String selectScripts, String insertMigration,
                       String upsertScript, String deleteMigration, String updateChecksum, String markDirty,
                       String markApplied) {
        static Sql of(boolean tenant) {
            String migrations = tenant ? "flux.tenant_migrations" : MIGRATIONS;
            String scripts = tenant ? "flux.tenant_repeatable_scripts" : SCRIPTS;
            String where = tenant ? " WHERE tenant_id = ?" : "";
            String and = tenant ? " AND tenant_id = ?" : "";
            String column = tenant ? ", tenant_id" : "";
            String value = tenant ? ", ?" : "";
            return new Sql(
                    // the note column too: a ledger made before it gets it from create()
                    "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('" + migrations + "')"
                            + " AND attname = 'note' AND NOT attisdropped) AND to_regclass('" + scripts + "') IS NOT NULL",
                    "SELECT installed_rank, version, name, checksum, applied_at, execution_ms, transactional, success,"
                            + " note FROM " + migrations + where + " ORDER BY installed_rank",
                    "SELECT name, checksum, applied_at, execution_ms, run_count FROM " + scripts + where + " ORDER BY name",
                    "INSERT INTO " + migrations + " (version, name, checksum, execution_ms, transactional, note" + column
                            + ") VALUES (?, ?, ?, ?, ?, ?" + value + ")",
                    "INSERT INTO " + scripts + " AS s (name, checksum, execution_ms" + column + ") VALUES (?, ?, ?" + value
                            + ") ON CONFLICT (" + (tenant ? "tenant_id, " : "") + "name) DO UPDATE SET"
                            + " checksum = excluded.checksum, execution_ms = excluded.execution_ms, applied_at = now(),"
                            + " applied_by = current_user, run_count = s.run_count + 1",
                    "DELETE FROM " + migrations + " WHERE version = ?" + and,
                    "UPDATE " + migrations + " SET checksum = ? WHERE version = ?" + and,
                    "INSERT INTO " + migrations + " AS m (version, name, checksum, execution_ms, transactional, note,"
                            + " success" + column + ") VALUES (?, ?, ?, ?, false, ?, false" + value + ") ON CONFLICT ("
                            + (tenant ? "tenant_id, " : "") + "version) DO UPDATE SET success = false, note = excluded.note,"
                            + " applied_at = now(), applied_by = current_user",
                    "UPDATE " + migrations + " SET success = true, checksum = ?, note = ? WHERE version = ?" + and);
        }
    }

    /** Null for the global ledger. */
    private final String tenantId;
    private final Sql sql;

    private Ledger(String tenantId) {
        this.tenantId = tenantId;
        this.sql = Sql.of(tenantId != null);
    }

    static Ledger forTenant(String tenantId) {
        return new Ledger(tenantId);
    }

    /** The statement, with the tenant (if any) bound after its {@code params} other parameters. */
    private PreparedStatement prepare(Connection c, String statement, int params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(statement);
        if (tenantId != null) {
            ps.setString(params + 1, tenantId);
        }
        return ps;
    }

    /**
     * Creates the tables when missing, in a transaction of its own, through the installer of
     * Flux's schema: serialized with every other creator of the {@code flux} schema (a server
     * starting), so CREATE ... IF NOT EXISTS never races another one into a duplicate.
     */
    static void create(Connection c) throws SQLException {
        SchemaInstaller.install(c, new SchemaScript("the migration ledger", CREATE));
    }

    boolean exists(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.exists())) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Applied versioned migrations in the order they were applied; empty when there is no ledger yet. */
    List<AppliedMigration> migrations(Connection c) throws SQLException {
        List<AppliedMigration> rows = new ArrayList<>();
        if (!exists(c)) {
            return rows;
        }
        try (PreparedStatement st = prepare(c, sql.selectMigrations(), 0);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(new AppliedMigration(rs.getLong(1), new Version(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getObject(5, OffsetDateTime.class), rs.getLong(6), rs.getBoolean(7),
                        rs.getBoolean(8), rs.getString(9)));
            }
        }
        return rows;
    }

    /** Repeatable scripts by name; empty when there is no ledger yet. */
    Map<String, AppliedScript> scripts(Connection c) throws SQLException {
        Map<String, AppliedScript> rows = new LinkedHashMap<>();
        if (!exists(c)) {
            return rows;
        }
        try (PreparedStatement st = prepare(c, sql.selectScripts(), 0);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new AppliedScript(rs.getString(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class), rs.getLong(4), rs.getInt(5)));
            }
        }
        return rows;
    }

    void recordMigration(Connection c, MigrationFile f, long executionMs, boolean transactional)
            throws SQLException {
        recordMigration(c, f, executionMs, transactional, null);
    }

    /** A row for {@code f} as applied; {@code note} says how when it did not run here (baseline, import), else null. */
    void recordMigration(Connection c, MigrationFile f, long executionMs, boolean transactional, String note)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.insertMigration(), 6)) {
            bindFile(ps, f, executionMs);
            ps.setBoolean(5, transactional);
            ps.setString(6, note);
            ps.executeUpdate();
        }
    }

    /**
     * Marks {@code f}'s version dirty: it failed part-way outside a transaction, {@code failure}
     * says where and why. Inserts the row, or turns an applied one dirty (a down file that failed).
     */
    void markDirty(Connection c, MigrationFile f, long executionMs, String failure) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.markDirty(), 5)) {
            bindFile(ps, f, executionMs);
            ps.setString(5, failure);
            ps.executeUpdate();
        }
    }

    /** Parameters 1-4 of a migration row: version, name, checksum, execution_ms. */
    private static void bindFile(PreparedStatement ps, MigrationFile f, long executionMs) throws SQLException {
        ps.setString(1, f.version().text());
        ps.setString(2, f.name());
        ps.setString(3, f.checksum());
        ps.setLong(4, executionMs);
    }

    /** Turns a dirty row applied, with the checksum of the file at hand; returns the rows changed. */
    int markApplied(Connection c, Version version, String checksum, String note) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.markApplied(), 3)) {
            ps.setString(1, checksum);
            ps.setString(2, note);
            ps.setString(3, version.text());
            return ps.executeUpdate();
        }
    }

    void recordScript(Connection c, MigrationFile f, long executionMs) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.upsertScript(), 3)) {
            ps.setString(1, f.name());
            ps.setString(2, f.checksum());
            ps.setLong(3, executionMs);
            ps.executeUpdate();
        }
    }

    void deleteMigration(Connection c, Version version) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.deleteMigration(), 1)) {
            ps.setString(1, version.text());
            ps.executeUpdate();
        }
    }

    int acceptChecksum(Connection c, Version version, String checksum) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.updateChecksum(), 2)) {
            ps.setString(1, checksum);
            ps.setString(2, version.text());
            return ps.executeUpdate();
        }
    }
}
