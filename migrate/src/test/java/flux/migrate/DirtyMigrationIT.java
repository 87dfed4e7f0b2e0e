package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A file running outside Flux's transaction that fails part-way: dirty, refused, repaired. */
@ExtendWith(FluxTestInfra.class)
class DirtyMigrationIT {
    private static final String HALF_WAY = """
            CREATE TABLE half_a (id int);
            BEGIN;
            CREATE TABLE half_b (id int);
            INSERT INTO missing VALUES (1);
            COMMIT;
            CREATE TABLE half_c (id int);
            """;
    private final MigrationFixture fx;

    DirtyMigrationIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "dirty", dir);
    }

    @Test
    void aFileThatFailsHalfWayKeepsWhatItCommittedAndIsRecordedDirty() {
        fx.write("001_ok.sql", "CREATE TABLE ok (id int);");
        fx.write("002_half.up.sql", HALF_WAY);
        fx.write("003_after.sql", "CREATE TABLE after_it (id int);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(MigrationFailed.class)
                .hasMessageStartingWith("002_half.up.sql line 4: 42P01 relation \"missing\" does not exist;"
                        + " the file manages its own transactions: what it committed above line 4 stays applied;"
                        + " version 2 is marked dirty")
                .hasMessageContaining("`flux db repair 2`");

        assertThat(fx.tableExists("half_a")).isTrue();
        assertThat(fx.tableExists("half_b")).as("rolled back with the file's own block").isFalse();
        assertThat(fx.tableExists("half_c")).isFalse();
        assertThat(fx.tableExists("after_it")).isFalse();
        assertThat(fx.column("SELECT version || ':' || success || ':' || coalesce(note, '') FROM flux.flux_migrations"
                + " ORDER BY installed_rank")).containsExactly("1:true:",
                "2:false:failed at line 4 (INSERT INTO missing VALUES (1)): 42P01 relation \"missing\" does not exist");
    }

    @Test
    void theNextRunRefusesNamingTheFileTheStatementAndWhatToDo() {
        fx.write("001_half.up.sql", HALF_WAY);
        assertThatThrownBy(fx::migrate).isInstanceOf(MigrationFailed.class);
        fx.write("002_after.sql", "CREATE TABLE after_it (id int);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(DirtyMigration.class)
                .hasMessageContaining("migration 001_half.up.sql (version 1) is dirty since ")
                .hasMessageContaining("it failed at line 4 (INSERT INTO missing VALUES (1)): 42P01")
                .hasMessageContaining("nothing was run")
                .hasMessageContaining("`flux db repair 1` to mark it applied, or `flux db repair 1 --rerun`");
        assertThatThrownBy(() -> fx.migrator().plan(fx.files(), false)).isInstanceOf(DirtyMigration.class);
        assertThatThrownBy(() -> fx.migrator().rollback(fx.files(), null)).isInstanceOf(DirtyMigration.class);
        assertThat(fx.tableExists("after_it")).isFalse();
        assertThat(fx.migrator().status(fx.files())).extracting(MigrationStatus::state)
                .containsExactly(MigrationStatus.State.DIRTY, MigrationStatus.State.PENDING);
    }

    @Test
    void repairWithRerunForgetsTheFailureSoTheFixedFileRunsAgain() {
        fx.write("001_half.up.sql", HALF_WAY);
        assertThatThrownBy(fx::migrate).isInstanceOf(MigrationFailed.class);
        fx.execute("DROP TABLE half_a"); // the operator undoes what the file did
        fx.write("001_half.up.sql", HALF_WAY.replace("INSERT INTO missing", "INSERT INTO half_b"));

        AppliedMigration was = fx.migrator().repair(fx.files(), Version.of("1"), true);
        fx.migrate();

        assertThat(was.dirty()).isTrue();
        assertThat(fx.tableExists("half_a")).isTrue();
        assertThat(fx.tableExists("half_c")).isTrue();
        assertThat(fx.column("SELECT success || ':' || coalesce(note, '') FROM flux.flux_migrations"))
                .containsExactly("true:");
    }

    @Test
    void repairWithoutRerunMarksItAppliedWithTheFilesChecksum() {
        fx.write("001_half.up.sql", HALF_WAY);
        assertThatThrownBy(fx::migrate).isInstanceOf(MigrationFailed.class);
        fx.execute("CREATE TABLE half_b (id int); CREATE TABLE half_c (id int)"); // finished by hand
        fx.write("001_half.up.sql", HALF_WAY.replace("INSERT INTO missing", "INSERT INTO half_b"));
        fx.write("002_after.sql", "CREATE TABLE after_it (id int);");

        fx.migrator().repair(fx.files(), Version.of("1"), false);
        MigrationReport report = fx.migrate();

        assertThat(report.outcomes()).extracting(o -> o.step().fileName()).containsExactly("002_after.sql");
        assertThat(fx.column("SELECT success || ' ' || note FROM flux.flux_migrations WHERE version = '1'").get(0))
                .startsWith("true repaired by hand after it failed at line 4");
        assertThat(fx.migrator().status(fx.files())).extracting(MigrationStatus::state)
                .containsOnly(MigrationStatus.State.APPLIED);
    }

    @Test
    void aFileWhoseFirstStatementFailsTookNoEffectAndIsNotDirty() {
        fx.write("001_first.up.sql", "INSERT INTO missing VALUES (1);\nBEGIN;\nCREATE TABLE never (id int);\nCOMMIT;");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(MigrationFailed.class)
                .hasMessageContaining("none of its statements took effect and it is not recorded");
        assertThat(fx.ledgerVersions()).isEmpty();
    }

    @Test
    void repairRefusesAVersionThatIsNotDirty() {
        fx.write("001_ok.sql", "CREATE TABLE ok (id int);");
        fx.migrate();

        assertThatThrownBy(() -> fx.migrator().repair(fx.files(), Version.of("1"), false))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("version 1 (001_ok.sql) is applied, not dirty; nothing to repair");
        assertThatThrownBy(() -> fx.migrator().repair(fx.files(), Version.of("9"), true))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("version 9 is not in the ledger");
    }

    @Test
    void aDownFileThatFailsHalfWayMarksTheAppliedVersionDirty() {
        fx.write("001_t.up.sql", "CREATE TABLE t (id int);\nCREATE TABLE u (id int);");
        fx.write("001_t.down.sql", "DROP TABLE u;\nBEGIN;\nDROP TABLE missing;\nCOMMIT;");
        fx.migrate();

        assertThatThrownBy(() -> fx.migrator().rollback(fx.files(), null))
                .isInstanceOf(MigrationFailed.class)
                .hasMessageContaining("version 1 is marked dirty");

        assertThat(fx.tableExists("u")).isFalse();
        assertThat(fx.column("SELECT note FROM flux.flux_migrations").get(0))
                .startsWith("failed undoing it with 001_t.down.sql at line 3 (DROP TABLE missing)");
    }
}
