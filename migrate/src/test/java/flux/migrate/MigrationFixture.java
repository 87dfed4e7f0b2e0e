package flux.migrate;

import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** A test database, a migrations directory and helpers shared by the migration ITs. */
final class MigrationFixture {
    final TestPostgres db;
    final DataSource dataSource;
    final Path dir;

    MigrationFixture(TestPostgres pg, String name, Path dir) {
        this.db = pg.newDatabase(name);
        DataSource ds = db.dataSource();
        this.dataSource = ds;
        this.dir = dir;
    }

    Migrator migrator() {
        return new Migrator(dataSource, MigrationSettings.DEFAULTS);
    }

    List<MigrationFile> files() {
        return MigrationFiles.directory(dir, null);
    }

    MigrationReport migrate() {
        return migrator().migrate(files(), false);
    }

    void write(String name, String sql) {
        try {
            Files.writeString(dir.resolve(name), sql);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first column of every row of {@code sql}, as text. */
    List<String> column(String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void execute(String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    boolean tableExists(String name) {
        return column("SELECT to_regclass('" + name + "') IS NOT NULL").get(0).equals("t");
    }

    List<String> ledgerVersions() {
        return column("SELECT version FROM flux.flux_migrations ORDER BY installed_rank");
    }
}
