package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.migrate.MigrationReport.Outcome;
import flux.migrate.MigrationReport.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FluxTestInfra.class)
class MigratorIT {
    private final MigrationFixture fx;

    MigratorIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "migrator", dir);
    }

    @Test
    void appliesPendingFilesInVersionOrderAndRecordsThemOnce() {
        fx.write("10_later.sql", "INSERT INTO notes VALUES ('ten');");
        fx.write("2_notes.sql", "CREATE TABLE notes (t text);");
        fx.write("001_first.sql", "CREATE TABLE first (id int PRIMARY KEY);");

        MigrationReport report = fx.migrate();

        assertThat(report.outcomes()).extracting(o -> o.step().fileName())
                .containsExactly("001_first.sql", "2_notes.sql", "10_later.sql");
        assertThat(fx.ledgerVersions()).containsExactly("1", "2", "10");
        assertThat(fx.migrate().outcomes()).isEmpty();
        assertThat(fx.column("SELECT t FROM notes")).containsExactly("ten");
    }

    @Test
    void anEditedAppliedFileStopsTheRunNamingTheFileAndBothChecksums() {
        fx.write("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        fx.migrate();
        String applied = Checksum.of("CREATE TABLE users (id int PRIMARY KEY);");
        fx.write("001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");
        fx.write("002_more.sql", "CREATE TABLE more (id int);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(ChecksumConflict.class)
                .hasMessageContaining("001_users.sql")
                .hasMessageContaining(applied)
                .hasMessageContaining(Checksum.of("CREATE TABLE users (id bigint PRIMARY KEY);"))
                .hasMessageContaining("new migration");
        assertThat(fx.tableExists("more")).isFalse();
        assertThat(fx.ledgerVersions()).containsExactly("1");
    }

    @Test
    void aNewFileReusingAnAppliedVersionIsNotMistakenForAnEdit() throws Exception {
        fx.write("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        fx.migrate();
        java.nio.file.Files.delete(fx.dir.resolve("001_users.sql"));
        fx.write("001_teams.sql", "CREATE TABLE teams (id int PRIMARY KEY);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(ChecksumConflict.class)
                .hasMessageStartingWith("migration 001_teams.sql has version 1, which was applied from 001_users.sql");
        assertThat(fx.tableExists("teams")).isFalse();
    }

    @Test
    void twoFilesWithOneVersionStopTheRunBeforeAnythingRuns() {
        fx.write("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        fx.write("1_teams.sql", "CREATE TABLE teams (id int PRIMARY KEY);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(InvalidMigration.class)
                .hasMessage("two migrations have version 1: 001_users.sql and 1_teams.sql; give one of them a new number");
    }

    @Test
    void convertingLineEndingsOrAddingABomIsNotAnEdit() {
        fx.write("001_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
        fx.migrate();
        fx.write("001_a.sql", "\uFEFFCREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n");

        assertThat(fx.migrate().outcomes()).isEmpty();
    }

    @Test
    void acceptingAChecksumLetsACosmeticEditThrough() {
        fx.write("001_a.sql", "CREATE TABLE a (id int);");
        fx.migrate();
        fx.write("001_a.sql", "-- the a table\nCREATE TABLE a (id int);");

        assertThat(fx.migrator().acceptChecksum(fx.files().get(0))).isTrue();
        assertThat(fx.migrate().outcomes()).isEmpty();
    }

    @Test
    void aFailingFileLeavesNoTraceButItsError() {
        fx.write("001_ok.sql", "CREATE TABLE ok (id int);");
        fx.write("002_bad.sql", "CREATE TABLE half (id int);\n\nINSERT INTO half\n  SELECT id FROM missing_table;\n");
        fx.write("003_after.sql", "CREATE TABLE after (id int);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOfSatisfying(MigrationFailed.class, e -> {
                    assertThat(e.file()).isEqualTo("002_bad.sql");
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.sqlState()).isEqualTo("42P01");
                })
                .hasMessageStartingWith("002_bad.sql line 4: 42P01 relation \"missing_table\" does not exist")
                .hasMessageContaining("rolled back and not recorded");
        assertThat(fx.tableExists("ok")).isTrue();
        assertThat(fx.tableExists("half")).isFalse();
        assertThat(fx.tableExists("after")).isFalse();
        assertThat(fx.ledgerVersions()).containsExactly("1");

        fx.write("002_bad.sql", "CREATE TABLE half (id int);");
        assertThat(fx.migrate().outcomes()).hasSize(2);
        assertThat(fx.ledgerVersions()).containsExactly("1", "2", "3");
    }

    @Test
    void repeatableScriptsRunAgainOnlyWhenChangedOrForced() {
        fx.write("001_log.sql", "CREATE TABLE runs (n int);");
        fx.write("R__count.sql", "INSERT INTO runs VALUES (1);");

        fx.migrate();
        fx.migrate();
        assertThat(fx.column("SELECT count(*) FROM runs")).containsExactly("1");

        assertThat(fx.migrator().migrate(fx.files(), true).outcomes()).extracting(o -> o.step().note())
                .containsExactly("unchanged, forced");
        assertThat(fx.column("SELECT count(*) FROM runs")).containsExactly("2");

        fx.write("R__count.sql", "INSERT INTO runs VALUES (2);");
        fx.migrate();
        fx.migrate();
        assertThat(fx.column("SELECT count(*) FROM runs")).containsExactly("3");
        assertThat(fx.column("SELECT run_count FROM flux.flux_repeatable_scripts WHERE name = 'R__count.sql'"))
                .containsExactly("3");
    }

    @Test
    void downFilesRollBackTheLastMigrationOrAllAfterAVersion() {
        fx.write("001_a.up.sql", "CREATE TABLE a (id int);");
        fx.write("001_a.down.sql", "DROP TABLE a;");
        fx.write("002_b.up.sql", "CREATE TABLE b (id int);");
        fx.write("002_b.down.sql", "DROP TABLE b;");
        fx.write("003_c.up.sql", "CREATE TABLE c (id int);");
        fx.write("003_c.down.sql", "DROP TABLE c;");
        fx.migrate();

        assertThat(fx.migrator().rollback(fx.files(), null).outcomes()).extracting(o -> o.step().fileName())
                .containsExactly("003_c.down.sql");
        assertThat(fx.tableExists("c")).isFalse();
        assertThat(fx.ledgerVersions()).containsExactly("1", "2");

        fx.migrator().rollback(fx.files(), Version.of("0"));
        assertThat(fx.tableExists("a") || fx.tableExists("b")).isFalse();
        assertThat(fx.ledgerVersions()).isEmpty();

        assertThat(fx.migrate().outcomes()).hasSize(3);
    }

    @Test
    void aMissingDownFileRollsNothingBack() {
        fx.write("001_a.up.sql", "CREATE TABLE a (id int);");
        fx.write("001_a.down.sql", "DROP TABLE a;");
        fx.write("002_b.sql", "CREATE TABLE b (id int);");
        fx.migrate();

        assertThatThrownBy(() -> fx.migrator().rollback(fx.files(), Version.of("0")))
                .isInstanceOf(InvalidMigration.class)
                .hasMessage("cannot roll back 002_b.sql: it has no down file (002_b.down.sql); nothing was rolled back");
        assertThat(fx.ledgerVersions()).containsExactly("1", "2");
        assertThat(fx.tableExists("a")).isTrue();
    }

    @Test
    void planListsWhatWouldRunWithItsTransactionModeAndRunsNothing() {
        fx.write("001_t.sql", "CREATE TABLE t (x int);");
        fx.write("002_idx.sql", "CREATE INDEX CONCURRENTLY t_x ON t (x);");
        fx.write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT x FROM t;");

        MigrationPlan plan = fx.migrator().plan(fx.files(), false);

        assertThat(plan.steps()).extracting(s -> s.fileName() + ": " + s.transactionMode()).containsExactly(
                "001_t.sql: in a transaction",
                "002_idx.sql: outside a transaction (CREATE INDEX CONCURRENTLY at line 1)",
                "R__v.sql: in a transaction");
        assertThat(fx.tableExists("t")).isFalse();
        assertThat(fx.tableExists("flux.flux_migrations")).isFalse();
    }

    @Test
    void aDryRunRunsTheTransactionalFilesAndRollsEverythingBack() {
        fx.write("001_t.sql", "CREATE TABLE t (x int);");
        fx.write("002_idx.sql", "CREATE INDEX CONCURRENTLY t_x ON t (x);");
        fx.write("003_u.sql", "INSERT INTO t VALUES (1);");

        MigrationReport report = fx.migrator().dryRun(fx.files(), false);

        assertThat(report.outcomes()).extracting(Outcome::result)
                .containsExactly(Result.ROLLED_BACK, Result.SKIPPED, Result.ROLLED_BACK);
        assertThat(fx.tableExists("t")).isFalse();
        assertThat(fx.ledgerVersions()).isEmpty();

        fx.write("003_u.sql", "INSERT INTO nowhere VALUES (1);");
        assertThatThrownBy(() -> fx.migrator().dryRun(fx.files(), false))
                .isInstanceOf(MigrationFailed.class).hasMessageContaining("003_u.sql line 1: 42P01");
    }

    @Test
    void aPendingFileOlderThanTheNewestAppliedStillRunsMarkedOutOfOrder() {
        fx.write("001_a.sql", "CREATE TABLE a (id int);");
        fx.write("003_c.sql", "CREATE TABLE c (id int);");
        fx.migrate();
        fx.write("002_b.sql", "CREATE TABLE b (id int);");

        MigrationReport report = fx.migrate();

        assertThat(report.outcomes()).extracting(o -> o.step().note())
                .containsExactly("out of order: version 3 is already applied");
        assertThat(fx.ledgerVersions()).containsExactly("1", "3", "2");
    }

    @Test
    void theSeedsUnnumberedSchemaFileIsVersionedByItsNameAfterTheNumberedOnes() {
        fx.write("todos.sql", "CREATE TABLE IF NOT EXISTS todos (id uuid DEFAULT gen_random_uuid() PRIMARY KEY);");
        fx.write("002_extra.sql", "CREATE TABLE extra (id int);");

        assertThat(fx.migrate().outcomes()).extracting(o -> o.step().fileName())
                .containsExactly("002_extra.sql", "todos.sql");
        assertThat(fx.ledgerVersions()).containsExactly("2", "todos");
    }

    @Test
    void functionBodiesAndEscapeSyntaxReachPostgresVerbatim() {
        fx.write("001_fn.sql", """
                CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT i + 1;
                END;
                CREATE FUNCTION tag() RETURNS text LANGUAGE plpgsql AS $$
                BEGIN
                  RETURN '{fn now()}';
                END;
                $$;
                CREATE TABLE braces AS SELECT E'it\\'s' AS s, '{d 2020-01-01}'::text AS d;
                """);

        fx.migrate();

        assertThat(fx.column("SELECT add_one(1)::text || ' ' || tag() || ' ' || s || ' ' || d FROM braces"))
                .containsExactly("2 {fn now()} it's {d 2020-01-01}");
    }
}
