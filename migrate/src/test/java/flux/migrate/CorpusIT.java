package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files as real projects write them (test resources {@code corpus/}): explicit transaction
 * blocks between plain statements, a file ending in END, tagged and nested dollar quotes holding
 * semicolons and BEGIN/END, DO blocks, BEGIN ATOMIC bodies, E'' strings, comments with quotes,
 * CONCURRENTLY, a block the file rolls back itself. Each is applied, rolled back and applied again.
 */
@ExtendWith(FluxTestInfra.class)
class CorpusIT {
    private static final Path CORPUS = Path.of("src", "test", "resources", "corpus");
    private final MigrationFixture fx;

    CorpusIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "corpus", dir);
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyFileAppliesAsWrittenWithItsOwnTransactionsHonoured() {
        MigrationReport report = fx.migrate();

        assertThat(report.outcomes()).extracting(o -> o.step().fileName()).containsExactly("001_accounts.up.sql",
                "002_jobs.up.sql", "003_functions.up.sql", "004_jobs_state_idx.up.sql", "005_backfill.up.sql");
        assertThat(fx.column("SELECT version || ':' || transactional FROM flux.flux_migrations ORDER BY installed_rank"))
                .containsExactly("1:true", "2:false", "3:false", "4:false", "5:false");
        assertThat(state()).containsExactly(
                "account 1 a@example.com it's; fine", "account 2 b@example.com back\\slash; and 'quote'",
                "account 3 c@example.com backfilled",
                "job 1 done null", "job 2 queued null", "job 3 queued BEGIN; inside a string; END;",
                "job 4 queued it's done; COMMIT;",
                "job_count(queued)=3 double_it(21)=42", "index jobs_state_idx valid=true");
    }

    @Test
    void rollingAllBackLeavesNothingAndApplyingAgainGivesTheSameState() {
        fx.migrate();
        List<String> first = state();

        MigrationReport undone = fx.migrator().rollback(fx.files(), Version.of("0"));

        assertThat(undone.outcomes()).extracting(o -> o.step().fileName()).containsExactly("005_backfill.down.sql",
                "004_jobs_state_idx.down.sql", "003_functions.down.sql", "002_jobs.down.sql", "001_accounts.down.sql");
        assertThat(fx.ledgerVersions()).isEmpty();
        assertThat(fx.tableExists("jobs")).isFalse();
        assertThat(fx.tableExists("accounts")).isFalse();
        assertThat(fx.column("SELECT count(*) FROM pg_proc WHERE proname IN ('job_count', 'double_it')"))
                .containsExactly("0");

        fx.migrate();

        assertThat(state()).isEqualTo(first);
        assertThat(fx.ledgerVersions()).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void thePlanSaysWhichFilesManageTheirOwnTransactions() {
        List<String> modes = fx.migrator().plan(fx.files(), false).steps().stream()
                .map(s -> s.fileName() + ": " + s.transactionMode()).toList();

        assertThat(modes).containsExactly(
                "001_accounts.up.sql: in a transaction",
                "002_jobs.up.sql: outside a transaction (its own BEGIN at line 4)",
                "003_functions.up.sql: outside a transaction (its own BEGIN at line 1)",
                "004_jobs_state_idx.up.sql: outside a transaction (CREATE INDEX CONCURRENTLY at line 2)",
                "005_backfill.up.sql: outside a transaction (its own BEGIN at line 1)");
    }

    private List<String> state() {
        List<String> lines = new ArrayList<>();
        lines.addAll(fx.column("SELECT 'account ' || id || ' ' || email || ' ' || motto FROM accounts ORDER BY id"));
        lines.addAll(fx.column("SELECT 'job ' || id || ' ' || state || ' ' || coalesce(note, 'null') FROM jobs ORDER BY id"));
        lines.addAll(fx.column("SELECT 'job_count(queued)=' || job_count('queued') || ' double_it(21)=' || double_it(21)"));
        lines.addAll(fx.column("SELECT 'index ' || c.relname || ' valid=' || i.indisvalid FROM pg_index i"
                + " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'jobs_state_idx'"));
        return lines;
    }
}
