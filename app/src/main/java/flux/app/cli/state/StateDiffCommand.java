package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flux state diff users --id 42 --from T1 --to T2}: one row at two moments, column by column;
 * without {@code --id}, every row of the table that changed between them, with its net change (paged).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "How a row (--id) or a table's rows changed between two moments, column by column.")
final class StateDiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "TABLE", description = "table or schema.table")
    String table;

    @Option(names = "--id", paramLabel = "ID", description = "row key (composite keys as a,b); without it, every changed row")
    String id;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = TimeConverter.class,
            description = "the first moment: ISO-8601 (2026-03-10T14:22:00Z) or local time (2026-03-10 14:22)")
    Instant from;

    @Option(names = "--to", required = true, paramLabel = "TIME", converter = TimeConverter.class,
            description = "the second moment")
    Instant to;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "rows per page without --id (1-1000)")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "continue after a previous page (its next_cursor)")
    String cursor;

    @Override
    public Integer call() {
        String times = ServerOptions.query("from", from).substring(1) + ServerOptions.query("to", to);
        JsonNode answer = id != null
                ? server.client().get("v1/state/" + ServerOptions.segment(table) + "/" + ServerOptions.segment(id)
                        + "/diff?" + times)
                : server.client().get("v1/state/" + ServerOptions.segment(table) + "/changes?" + times
                        + "&limit=" + ServerOptions.limit(spec, limit) + ServerOptions.query("cursor", cursor));
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            ServerOptions.printJson(out, answer);
            return ExitCodes.OK;
        }
        if (id != null) {
            row(out, answer);
        } else {
            answer.path("rows").forEach(r -> row(out, r));
            if (answer.hasNonNull("next_cursor")) {
                spec.commandLine().getErr().println("(more rows: --cursor " + answer.get("next_cursor").asText() + ")");
                spec.commandLine().getErr().flush();
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void row(PrintWriter out, JsonNode diff) {
        out.println(diff.path("table").asText() + " " + diff.path("row_id").asText() + ": " + diff.path("change").asText());
        for (JsonNode c : diff.path("columns")) {
            if (c.path("changed").asBoolean()) {
                out.println("  " + c.path("column").asText() + ": " + HistoryText.value(c.path("from")) + " → "
                        + HistoryText.value(c.path("to")));
            }
        }
    }
}
