package flux.migrate;

import flux.pg.DatabaseException;
import flux.pg.Transactions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The front door of declarative schema: compares the live database with a desired-state file
 * ({@code schema/schema.sql}, or a directory of {@code .sql} files run in name order) and writes
 * the SQL that takes the one to the other ({@code flux db diff}); applies that SQL in one
 * transaction; dumps the live schema as SQL. The desired state is built in scratch space
 * ({@link ScratchCatalog}) and both sides are read from {@code pg_catalog} ({@link CatalogReader}):
 * catalogs are compared, not text. The schemas compared are those the desired state uses
 * ({@code public} at least); other schemas of the live database are left out. Thread-safe;
 * each call uses connections of its own.
 */
public final class SchemaDiff {
    private final DataSource dataSource;
    private final DatabaseConnector connector;

    public SchemaDiff(DataSource dataSource, DatabaseConnector connector) {
        this.dataSource = dataSource;
        this.connector = connector;
    }

    /** The files of a desired state: the file, or a directory's {@code .sql} files by name. */
    public static List<MigrationFile> desiredState(Path path) {
        if (Files.isRegularFile(path)) {
            return List.of(MigrationFiles.single(path, MigrationMode.RAW));
        }
        if (!Files.isDirectory(path)) {
            throw new InvalidMigration("no desired-state file or directory " + path
                    + " (write the schema you want there, or name it with --desired)");
        }
        try (Stream<Path> list = Files.list(path)) {
            return list.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".sql")).sorted()
                    .map(p -> MigrationFiles.single(p, MigrationMode.RAW)).toList();
        } catch (IOException e) {
            throw new InvalidMigration("cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    /** What differs between the live database and the desired state, and the SQL to go there. */
    public SchemaComparison diff(Path desired) {
        List<MigrationFile> files = desiredState(desired);
        return call("comparing the live database with " + desired, c -> {
            ScratchCatalog.Built target = ScratchCatalog.build(c, connector, files, "the desired state");
            SchemaCatalog live = FluxOwned.strip(readLive(c, target.catalog().schemas()), target.catalog());
            return new SchemaComparison(CatalogDiff.compare(live, target.catalog()),
                    DiffSql.statements(live, target.catalog()), target.where(), List.of());
        });
    }

    /**
     * Runs the SQL of {@link #diff} in one transaction. A change that drops a table or column is
     * refused unless {@code allowDestructive}; what was not written (comment lines) stays undone.
     *
     * @return the comparison that was applied
     */
    public SchemaComparison apply(Path desired, boolean allowDestructive) {
        SchemaComparison plan = diff(desired);
        if (plan.destructive() && !allowDestructive) {
            throw new InvalidMigration("the desired state drops " + String.join(", ", plan.differences().stream()
                    .filter(Difference::destructive).map(d -> d.kind() + " " + d.name()).toList())
                    + "; nothing was applied (allow destructive changes to apply it)");
        }
        call("applying the desired state", c -> {
            try (var st = c.createStatement()) {
                Transactions.run(c, x -> {
                    st.setEscapeProcessing(false);
                    for (String s : plan.statements()) {
                        if (!s.startsWith("-- ")) {
                            st.execute(s);
                        }
                    }
                });
                // the script's SET check_function_bodies is the session's: a pooled connection goes back as it came
                st.execute("RESET check_function_bodies");
            }
            return null;
        });
        return plan;
    }

    /** The live database's schema as SQL that creates it (its user schemas; Flux's own left out). */
    public SchemaComparison dump() {
        return call("reading the live schema", c -> {
            SchemaCatalog read = Transactions.rollBackAfter(c, x -> CatalogReader.read(x, CatalogReader.userSchemas(x)));
            SchemaCatalog live = FluxOwned.strip(read, read);
            SchemaCatalog empty = new SchemaCatalog(Set.of(), Map.of(), Map.of());
            return new SchemaComparison(CatalogDiff.compare(empty, live), DiffSql.statements(empty, live),
                    "the live database", List.of());
        });
    }

    static SchemaCatalog readLive(Connection c, Set<String> schemas) throws SQLException {
        return Transactions.rollBackAfter(c, x -> CatalogReader.read(x, schemas));
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T call(String doing, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw MigrationFailed.database(doing, e);
        }
    }
}
