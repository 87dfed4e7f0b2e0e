package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Drift: the live database against what its applied migrations produce, replayed in a scratch database. */
@ExtendWith(FluxTestInfra.class)
class DriftIT {
    private final MigrationFixture fx;

    DriftIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "drift", dir);
        try (Stream<Path> files = Files.list(Path.of("src", "test", "resources", "corpus"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fx.write("R__views.sql", "CREATE OR REPLACE VIEW busy_jobs AS SELECT id, state FROM jobs WHERE state <> 'done';");
    }

    private Drift drift() {
        return new Drift(fx.dataSource, DatabaseConnector.sameServer(fx.db.jdbcUrl(), fx.db.user(), fx.db.password()));
    }

    @Test
    void aDatabaseMadeOnlyByItsMigrationsHasNoDrift() {
        fx.migrate();

        SchemaComparison drift = drift().check(fx.files());

        assertThat(drift.differences()).isEmpty();
        assertThat(drift.builtIn()).isEqualTo("a scratch database");
        assertThat(drift.notes()).isEmpty();
    }

    @Test
    void objectsChangedByHandAreReportedAndTheSqlTakesThemBack() {
        fx.migrate();
        fx.execute("CREATE INDEX accounts_motto ON accounts (motto); ALTER TABLE jobs ALTER COLUMN note TYPE varchar(50);"
                + " ALTER TABLE jobs DROP COLUMN state CASCADE; CREATE TABLE notes (id int);"
                + " CREATE OR REPLACE FUNCTION double_it(x int) RETURNS int LANGUAGE sql RETURN x + x");

        SchemaComparison drift = drift().check(fx.files());

        assertThat(drift.differences()).extracting(d -> d.change().label() + " " + d.kind() + " " + d.name())
                .containsExactly("extra index public.accounts.accounts_motto", "missing view public.busy_jobs",
                        "changed function public.double_it(x integer)", "missing index public.jobs.jobs_state_idx",
                        "changed column public.jobs.note", "missing column public.jobs.state", "extra table public.notes");
        assertThat(drift.differences().get(4).live()).isEqualTo("character varying(50)");
        assertThat(drift.differences().get(4).target()).isEqualTo("text");
        assertThat(drift.statements()).contains("DROP INDEX \"public\".\"accounts_motto\"", "DROP TABLE \"public\".\"notes\"");
    }

    @Test
    void anEditedAppliedFileIsReplayedAsItIsNowAndSaidSo() throws IOException {
        fx.migrate();
        fx.write("001_accounts.up.sql", Files.readString(fx.dir.resolve("001_accounts.up.sql")) + "\n-- reviewed\n");

        SchemaComparison drift = drift().check(fx.files());

        assertThat(drift.notes()).containsExactly("001_accounts.up.sql was edited after it was applied: replayed as it is now");
    }

    @Test
    void anAppliedVersionWithoutItsFileCannotBeReplayed() throws IOException {
        fx.migrate();
        Files.delete(fx.dir.resolve("003_functions.up.sql"));
        Files.delete(fx.dir.resolve("003_functions.down.sql"));

        assertThatThrownBy(() -> drift().check(fx.files())).isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("applied version 3 (003_functions.up.sql) has no file in the migrations directory");
    }
}
