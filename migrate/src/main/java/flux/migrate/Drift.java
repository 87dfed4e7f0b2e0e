package flux.migrate;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * {@code flux db drift}: compares the live database with what its applied migrations produce,
 * and reports the objects changed outside migrations. The expected schema is built by replaying
 * the applied files (in the order they were applied, then the repeatable scripts that ran) in
 * scratch space ({@link ScratchCatalog}); both sides are read from {@code pg_catalog}. The
 * schemas compared are those the migrations create ({@code public} at least). A dirty version
 * stops it, like a migration run. Thread-safe; each call uses a connection of its own.
 */
public final class Drift {
    private final DataSource dataSource;
    private final DatabaseConnector connector;

    public Drift(DataSource dataSource, DatabaseConnector connector) {
        this.dataSource = dataSource;
        this.connector = connector;
    }

    /**
     * The differences between the live database and the applied migrations' schema; the SQL
     * would take the live one back to what the migrations made.
     *
     * @throws InvalidMigration when an applied version's file is missing (nothing to replay)
     */
    public SchemaComparison check(List<MigrationFile> files) {
        try (Connection c = dataSource.getConnection()) {
            List<String> notes = new ArrayList<>();
            List<MigrationFile> replay = applied(c, files, notes);
            ScratchCatalog.Built expected = ScratchCatalog.build(c, connector, replay, "what the applied migrations produce");
            SchemaCatalog live = FluxOwned.strip(SchemaDiff.readLive(c, expected.catalog().schemas()), expected.catalog());
            return new SchemaComparison(CatalogDiff.compare(live, expected.catalog()),
                    DiffSql.statements(live, expected.catalog()), expected.where(), notes);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw MigrationFailed.database("checking drift", e);
        }
    }

    /** The files to replay: applied versions in the order applied, then the repeatable scripts that ran, by name. */
    static List<MigrationFile> applied(Connection c, List<MigrationFile> files, List<String> notes) throws SQLException {
        Ledger ledger = Ledger.GLOBAL;
        List<AppliedMigration> versions = ledger.migrations(c);
        Planner.refuseDirty(versions);
        Map<Version, MigrationFile> byVersion = new HashMap<>();
        Map<String, MigrationFile> byName = new HashMap<>();
        for (MigrationFile f : files) {
            if (f.mode() == MigrationMode.VERSIONED) {
                byVersion.put(f.version(), f);
            } else if (f.mode() == MigrationMode.REPEATABLE) {
                byName.put(f.name(), f);
            }
        }
        List<MigrationFile> replay = new ArrayList<>();
        for (AppliedMigration a : versions) {
            MigrationFile f = byVersion.get(a.version());
            if (f == null) {
                throw new InvalidMigration("applied version " + a.version() + " (" + a.name() + ") has no file in the"
                        + " migrations directory, so what the migrations produce cannot be rebuilt; put it back (git)");
            }
            if (!f.checksum().equals(a.checksum())) {
                notes.add(f.name() + " was edited after it was applied: replayed as it is now");
            }
            replay.add(f);
        }
        for (AppliedScript s : ledger.scripts(c).values()) {
            MigrationFile f = byName.get(s.name());
            if (f == null) {
                notes.add(s.name() + " ran but its file is gone: not replayed");
            } else {
                if (!f.checksum().equals(s.checksum())) {
                    notes.add(f.name() + " changed since its last run: replayed as it is now");
                }
                replay.add(f);
            }
        }
        return replay;
    }
}
