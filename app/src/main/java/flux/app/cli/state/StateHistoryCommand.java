package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flux state history users --id 42}: a row's mutations, rolled-back attempts included.
 * By default the latest page, printed oldest to newest (reads like a log, the newest last);
 * {@code --oldest} pages from the beginning instead. {@code --json} prints the API's page as is.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"What happened to a row: its latest mutations (oldest to newest), rolled-back attempts included.",
                "--oldest starts from its first mutation; --cursor continues with the page the last one named."})
final class StateHistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    RowArguments row;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "entries per page (1-1000, default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--oldest", description = "oldest first")
    boolean oldest;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "continue after a previous page (its next_cursor)")
    String cursor;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeConverter.class, description = "only entries at or after TIME")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeConverter.class, description = "only entries before TIME")
    Instant to;

    @Override
    public Integer call() {
        String path = row.path("history?limit=") + ServerOptions.limit(spec, limit)
                + ServerOptions.query("order", oldest ? "oldest" : null)
                + ServerOptions.query("cursor", cursor)
                + ServerOptions.query("from", from)
                + ServerOptions.query("to", to);
        JsonNode page = server.client().get(path);
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            ServerOptions.printJson(out, page);
            return ExitCodes.OK;
        }
        List<JsonNode> entries = new ArrayList<>();
        page.path("entries").forEach(entries::add);
        if (!oldest) {
            Collections.reverse(entries);
        }
        server.text(page).entries(entries, HistoryText.keyColumns(page), false).forEach(out::println);
        out.flush();
        if (page.hasNonNull("next_cursor")) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("(" + (oldest ? "newer" : "older") + " entries: --cursor " + page.get("next_cursor").asText() + ")");
            err.flush();
        }
        return ExitCodes.OK;
    }
}
