package flux.app;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The CLI verbs for projects that exist already: dirty versions and repair (issue #21). */
@ExtendWith(FluxTestInfra.class)
class RealProjectsCliIT {
    private final TestPostgres db;
    private final Path schema;

    RealProjectsCliIT(TestPostgres pg, @TempDir Path tmp) throws IOException {
        this.db = pg.newDatabase("real_projects_cli");
        this.schema = Files.createDirectory(tmp.resolve("schema"));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run flux(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://" + db.user() + ":" + db.password() + "@"
                + db.host() + ":" + db.port() + "/" + db.database());
        int exit = Flux.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private void write(String name, String sql) throws IOException {
        Files.writeString(schema.resolve(name), sql);
    }

    @Test
    void aDirtyVersionStopsMigrateUntilRepairOrForceClearsIt() throws IOException {
        write("001_half.up.sql", "CREATE TABLE half_a (id int);\nBEGIN;\nINSERT INTO missing VALUES (1);\nCOMMIT;\n");

        Run failed = flux("db", "migrate", "--dir", schema.toString());
        Run refused = flux("db", "migrate", "--dir", schema.toString());
        Run list = flux("migrations", "list", "--dir", schema.toString());

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err().lines().toList()).singleElement().asString()
                .startsWith("flux: 001_half.up.sql line 3: 42P01").contains("version 1 is marked dirty");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("flux: migration 001_half.up.sql (version 1) is dirty since ")
                .contains("(INSERT INTO missing VALUES (1))").contains("`flux db repair 1`");
        assertThat(list.out()).contains("001_half.up.sql").contains("dirty");

        write("001_half.up.sql", "CREATE TABLE IF NOT EXISTS half_a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n");
        Run repaired = flux("db", "force", "1", "--rerun", "--dir", schema.toString());
        Run again = flux("db", "migrate", "--dir", schema.toString());

        assertThat(repaired.exit()).isZero();
        assertThat(repaired.out()).startsWith("forgot the failed run of 001_half.up.sql (version 1)");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("applied 001_half.up.sql (").contains("outside a transaction");
        assertThat(flux("db", "repair", "1", "--dir", schema.toString()).err())
                .startsWith("flux: version 1 (001_half.up.sql) is applied, not dirty");
    }
}
