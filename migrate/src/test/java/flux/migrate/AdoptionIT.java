package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Adopting a database that has its schema already: baseline, and import from golang-migrate's and Flyway's ledgers. */
@ExtendWith(FluxTestInfra.class)
class AdoptionIT {
    private static final String FLYWAY_DDL = """
            CREATE TABLE flyway_schema_history (
                installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
                type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT,
                installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
                execution_time INT NOT NULL, success BOOLEAN NOT NULL)""";
    private final MigrationFixture fx;

    AdoptionIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "adoption", dir);
    }

    private void threeGolangMigrateFiles() {
        fx.write("001_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        fx.write("001_users.down.sql", "DROP TABLE users;");
        fx.write("002_teams.up.sql", "CREATE TABLE teams (id int PRIMARY KEY);");
        fx.write("002_teams.down.sql", "DROP TABLE teams;");
        fx.write("003_orgs.up.sql", "CREATE TABLE orgs (id int PRIMARY KEY);");
        fx.write("003_orgs.down.sql", "DROP TABLE orgs;");
        fx.execute("CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE teams (id int PRIMARY KEY)");
    }

    @Test
    void baselineRecordsFilesUpToTheVersionWithoutRunningThemAndMigrateRunsTheRest() {
        threeGolangMigrateFiles();

        assertThat(fx.migrator().baseline(fx.files(), Version.of("2"))).extracting(MigrationFile::name)
                .containsExactly("001_users.up.sql", "002_teams.up.sql");
        MigrationReport report = fx.migrate();

        assertThat(report.outcomes()).extracting(o -> o.step().fileName()).containsExactly("003_orgs.up.sql");
        assertThat(fx.column("SELECT version || ' ' || coalesce(note, '-') FROM flux.flux_migrations ORDER BY installed_rank"))
                .containsExactly("1 baseline: recorded as applied up to version 2, not run",
                        "2 baseline: recorded as applied up to version 2, not run", "3 -");
        assertThat(fx.column("SELECT checksum FROM flux.flux_migrations WHERE version = '1'"))
                .containsExactly(Checksum.of("CREATE TABLE users (id int PRIMARY KEY);"));
        assertThatThrownBy(() -> fx.migrator().baseline(fx.files(), Version.of("0")))
                .isInstanceOf(InvalidMigration.class).hasMessageStartingWith("no migration file has a version up to 0");
    }

    @Test
    void importFromGolangMigrateRecordsEveryFileUpToItsVersionSoNothingRunsTwice() {
        threeGolangMigrateFiles();
        fx.execute("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
                + " INSERT INTO schema_migrations VALUES (2, false)");

        ImportReport report = fx.migrator().importFrom(fx.files(), ForeignLedger.GOLANG_MIGRATE, null);
        MigrationReport migrated = fx.migrate();

        assertThat(report.table()).isEqualTo("public.schema_migrations");
        assertThat(report.applied()).containsExactly("001_users.up.sql", "002_teams.up.sql");
        assertThat(report.dirty()).isEmpty();
        assertThat(migrated.outcomes()).extracting(o -> o.step().fileName()).containsExactly("003_orgs.up.sql");
        assertThat(fx.migrator().importFrom(fx.files(), ForeignLedger.GOLANG_MIGRATE, null).alreadyRecorded())
                .isEqualTo(2);
    }

    @Test
    void aDirtyGolangMigrateVersionIsImportedDirty() {
        threeGolangMigrateFiles();
        fx.execute("CREATE SCHEMA legacy; CREATE TABLE legacy.versions (version bigint NOT NULL, dirty boolean NOT NULL);"
                + " INSERT INTO legacy.versions VALUES (2, true)");

        ImportReport report = fx.migrator().importFrom(fx.files(), ForeignLedger.GOLANG_MIGRATE, "legacy.versions");

        assertThat(report.applied()).containsExactly("001_users.up.sql");
        assertThat(report.dirty()).containsExactly("002_teams.up.sql");
        assertThatThrownBy(fx::migrate).isInstanceOf(DirtyMigration.class)
                .hasMessageContaining("it failed part-way under golang-migrate (dirty in legacy.versions, imported)");
    }

    @Test
    void importFromFlywayReadsBaselineRunsAndRepeatablesAndWarnsOfEditedFiles() {
        fx.write("V1__users.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        fx.write("V2__teams.sql", "CREATE TABLE teams (id int PRIMARY KEY);");
        fx.write("V3__orgs.sql", "CREATE TABLE orgs (id int PRIMARY KEY);");
        fx.write("R__views.sql", "CREATE OR REPLACE VIEW all_teams AS SELECT * FROM teams;");
        fx.execute("CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE teams (id int PRIMARY KEY);"
                + " CREATE VIEW all_teams AS SELECT * FROM teams; " + FLYWAY_DDL);
        fx.execute("INSERT INTO flyway_schema_history VALUES"
                + " (1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'me', now(), 0, true),"
                + " (2, '2', 'teams', 'SQL', 'V2__teams.sql', "
                + FlywayChecksum.of("CREATE TABLE teams (id int PRIMARY KEY);") + ", 'me', now(), 12, true),"
                + " (3, NULL, 'views', 'SQL', 'R__views.sql', 12345, 'me', now(), 3, true)");

        ImportReport report = fx.migrator().importFrom(fx.files(), ForeignLedger.FLYWAY, null);
        MigrationReport migrated = fx.migrate();

        assertThat(report.applied()).containsExactly("V1__users.sql", "V2__teams.sql");
        assertThat(report.scripts()).containsExactly("R__views.sql");
        assertThat(report.warnings()).singleElement().asString()
                .startsWith("R__views.sql differs from the text Flyway applied (its checksum 12345");
        assertThat(migrated.outcomes()).extracting(o -> o.step().fileName()).containsExactly("V3__orgs.sql");
        assertThat(fx.column("SELECT note FROM flux.flux_migrations WHERE version = '2'"))
                .containsExactly("imported from Flyway (public.flyway_schema_history rank 2)");
    }

    @Test
    void aFlywayRowWithoutItsFileImportsNothing() {
        fx.write("V1__users.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        fx.execute(FLYWAY_DDL + "; INSERT INTO flyway_schema_history VALUES"
                + " (1, '1', 'users', 'SQL', 'V1__users.sql', NULL, 'me', now(), 1, true),"
                + " (2, '9', 'gone', 'SQL', 'V9__gone.sql', NULL, 'me', now(), 1, true)");

        assertThatThrownBy(() -> fx.migrator().importFrom(fx.files(), ForeignLedger.FLYWAY, null))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("public.flyway_schema_history lists V9__gone.sql (version 9), which the"
                        + " migrations directory does not have; nothing was imported");
        assertThat(fx.ledgerVersions()).isEmpty();
    }

    @Test
    void importWithoutTheToolsTableSaysWhereItLooked() {
        fx.write("001_a.sql", "SELECT 1;");

        assertThatThrownBy(() -> fx.migrator().importFrom(fx.files(), ForeignLedger.GOLANG_MIGRATE, null))
                .isInstanceOf(InvalidMigration.class)
                .hasMessage("no table schema_migrations (golang-migrate's ledger) on the search path; name it with"
                        + " --table schema.table");
    }
}
