package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Lint of pending files, judged from the catalog after each statement in a scratch database. */
@ExtendWith(FluxTestInfra.class)
class LintIT {
    private final MigrationFixture fx;

    LintIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "lint", dir);
        fx.write("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY, email text, plan text, age int,"
                + " score numeric(10,2));\nINSERT INTO users SELECT g, 'u' || g, 'free', g, 1 FROM generate_series(1, 50) g;");
        fx.migrate();
        fx.execute("ANALYZE users");
    }

    private LintReport lint(long largeRows, ColumnUsage usage) {
        return new Lint(fx.dataSource, DatabaseConnector.sameServer(fx.db.jdbcUrl(), fx.db.user(), fx.db.password()),
                largeRows).check(fx.files(), usage);
    }

    private static List<String> lines(LintReport report) {
        return report.findings().stream().map(f -> f.file() + ":" + f.line() + " " + f.rule().label()).toList();
    }

    @Test
    void destructiveChangesAndLongLocksOnLiveTablesAreFlaggedWithTheirLines() {
        fx.write("002_changes.sql", """
                ALTER TABLE users DROP COLUMN plan;
                ALTER TABLE users RENAME COLUMN email TO mail;
                ALTER TABLE users ALTER COLUMN score TYPE numeric(6,2);
                CREATE INDEX users_age ON users (age);
                ALTER TABLE users ALTER COLUMN age SET NOT NULL;
                ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
                ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();
                ALTER TABLE users ALTER COLUMN id TYPE bigint;
                CREATE TABLE fresh (id int);
                CREATE INDEX fresh_id ON fresh (id);
                ALTER TABLE fresh DROP COLUMN id;
                """);
        fx.write("003_concurrently.sql", "CREATE INDEX CONCURRENTLY users_score ON users (score);");
        fx.write("004_drop.sql", "DROP TABLE users;");

        LintReport report = lint(10, ColumnUsage.of(Map.of("public.users.plan", 7L), "the last 100 API statements"));

        assertThat(lines(report)).containsExactly(
                "002_changes.sql:1 drops-column", "002_changes.sql:1 column-in-use", "002_changes.sql:2 renames",
                "002_changes.sql:3 narrows-type", "002_changes.sql:3 rewrites-table",
                "002_changes.sql:4 index-without-concurrently", "002_changes.sql:5 set-not-null-scan",
                "002_changes.sql:6 volatile-default", "002_changes.sql:8 rewrites-table", "004_drop.sql:1 drops-table",
                "004_drop.sql:1 column-in-use");
        assertThat(report.findings().get(1).message()).isEqualTo("API queries used public.users.plan recently (7 of"
                + " the last 100 API statements): those requests fail once it is gone");
        assertThat(report.findings().get(5).message()).startsWith("builds index users_age on public.users (about 50 rows)"
                + " without CONCURRENTLY");
        assertThat(report.builtIn()).isEqualTo("a scratch database");
        assertThat(fx.column("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid ="
                + " 'users'::regclass AND attnum > 0")).as("the live table is untouched")
                .containsExactly("id,email,plan,age,score");
    }

    @Test
    void smallTablesTakeNoLongLocksButLosingDataIsStillFlagged() {
        fx.write("002_changes.sql", "CREATE INDEX users_age ON users (age);\nALTER TABLE users DROP COLUMN plan;");

        assertThat(lines(lint(1_000_000, ColumnUsage.NONE))).containsExactly("002_changes.sql:2 drops-column");
    }

    @Test
    void setNotNullAfterAValidatedCheckIsNotAScan() {
        fx.write("002_check.sql", "ALTER TABLE users ADD CONSTRAINT age_nn CHECK (age IS NOT NULL) NOT VALID;");
        fx.write("003_validate.sql", "ALTER TABLE users VALIDATE CONSTRAINT age_nn;");
        fx.migrate();
        fx.write("004_not_null.sql", "ALTER TABLE users ALTER COLUMN age SET NOT NULL;");

        LintReport report = lint(10, ColumnUsage.NONE);

        assertThat(report.files()).containsExactly("004_not_null.sql");
        assertThat(report.findings()).isEmpty();
        assertThat(report.notes()).containsExactly("column usage not checked: no observed API queries");
    }

    @Test
    void nothingPendingNeedsNoScratchDatabase() {
        LintReport report = lint(10, ColumnUsage.NONE);

        assertThat(report.files()).isEmpty();
        assertThat(report.builtIn()).isNull();
    }
}
