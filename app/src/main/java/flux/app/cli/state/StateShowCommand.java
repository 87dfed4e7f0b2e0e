package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.CliFailure;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flux state show users --id 42 --at "2026-03-10 14:00"}: the row as it was then,
 * rebuilt from the log. A row that did not exist then is a failure (exit 1) in text mode;
 * {@code --json} prints the answer ({@code "exists": false}) either way.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "A row as it was at a moment, rebuilt from the mutation log.")
final class StateShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    RowArguments row;

    @Option(names = "--at", required = true, paramLabel = "TIME", converter = TimeConverter.class,
            description = "ISO-8601 (2026-03-10T14:22:00Z) or local time (2026-03-10 14:22)")
    Instant at;

    @Override
    public Integer call() {
        JsonNode snapshot = server.client().get(row.path("at?")
                + ServerOptions.query("time", at).substring(1));
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            ServerOptions.printJson(out, snapshot);
            return ExitCodes.OK;
        }
        HistoryText text = server.text(snapshot);
        if (!snapshot.path("exists").asBoolean()) {
            JsonNode m = snapshot.path("mutation");
            throw new CliFailure(snapshot.path("table").asText() + " " + snapshot.path("row_id").asText()
                    + " did not exist at " + text.time(snapshot.path("time").asText())
                    + (m.isObject() ? " (deleted " + text.time(m.path("at").asText()) + " by req:"
                    + text.shortId(m.path("request_id").asText()) + ")" : " (not yet inserted)"));
        }
        text.snapshot(snapshot).forEach(out::println);
        out.flush();
        return ExitCodes.OK;
    }
}
