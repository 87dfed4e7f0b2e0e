package flux.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.statistics.Statistics;

/**
 * Runs generated command lines in-process and judges each by the CLI's contract: exit 0, 1
 * (failed, with a one-line {@code flux: ...} on stderr that names no exception class) or 2 (usage);
 * nothing thrown out of it, no stack trace; no server error behind a failure; and
 * no data changed (every verb that runs here only reads).
 */
final class CliOracle implements AutoCloseable {
    private final Map<String, String> environment;
    private final Connection db;

    CliOracle(FuzzServer server) throws SQLException {
        this.environment = Map.of("DATABASE_URL", databaseUrl(server));
        this.db = server.connect();
    }

    static String databaseUrl(FuzzServer server) {
        return server.database().jdbcUrl() + "?user=" + server.database().user() + "&password=" + server.database().password();
    }

    void run(List<String> args) throws SQLException {
        DataState before = DataState.read(db);
        String line = "flux " + String.join(" ", args.stream().map(a -> "'" + HttpCase.printable(HttpCase.utf8(a), 120) + "'").toList());
        Cli cli;
        try {
            cli = Cli.run(environment, args.toArray(String[]::new));
        } catch (RuntimeException | Error e) {
            throw new AssertionError("the CLI threw instead of exiting: " + line, e);
        }
        Statistics.label("exit").collect(cli.exitCode());
        String what = line + "\n-> exit " + cli.exitCode() + "\nstderr: " + cli.err();
        assertThat(cli.exitCode()).as(what).isIn(0, 1, 2);
        assertThat(cli.err()).as("a stack trace: " + what).doesNotContain("\tat ");
        assertThat(cli.err()).as("a server error behind: " + what).doesNotContain("internal error");
        if (cli.exitCode() == 1) {
            // A failure is one line written for the user. (A usage error, exit 2, is picocli's message and
            // the usage, which may quote a converter's exception, e.g. for a path holding a NUL.)
            assertThat(cli.err().lines().filter(l -> l.startsWith("flux: ")).toList()).as("one flux: line: " + what)
                    .singleElement().asString().doesNotContain("Exception");
        }
        DataState after = DataState.read(db);
        assertThat(after.tables()).as("data changed by: " + what).isEqualTo(before.tables());
        assertThat(after.logMaxId()).as("log changed by: " + what).isEqualTo(before.logMaxId());
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
