package flux.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.ExitCodes;
import flux.app.cli.state.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flux sql audit}: the console's audit log, newest first (a tenant's key: its tenant's entries). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The console's audit log, newest first: who ran what, when, how long, rows, error.")
final class SqlAuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "entries (1-1000, default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--before", paramLabel = "ID", description = "entries older than this id (a previous page's next_before)")
    Long before;

    @Override
    public Integer call() {
        JsonNode page = server.client().get("v1/sql/audit?limit=" + ServerOptions.limit(spec, limit)
                + (before == null ? "" : "&before=" + before));
        PrintWriter out = spec.commandLine().getOut();
        if (server.json()) {
            ServerOptions.printJson(out, page);
            return ExitCodes.OK;
        }
        for (JsonNode e : page.path("entries")) {
            String who = (e.path("tenant_id").isNull() ? "(operator)" : "tenant " + e.path("tenant_id").asText())
                    + (e.path("key_id").isNull() ? "" : " key " + e.path("key_id").asText());
            String result = !e.path("error").isNull() ? "error " + e.path("error").asText()
                    : e.path("row_count").isNull() ? "" : e.path("row_count").asLong() + " rows";
            out.printf("%-6d %s  %-28s %-11s %8s  %s  req:%s%n  %s%n", e.path("id").asLong(), e.path("at").asText(),
                    who, e.path("outcome").asText(), e.path("duration_ms").isNull() ? ""
                            : String.format("%.1f ms", e.path("duration_ms").asDouble()), result,
                    e.path("request_id").asText(), e.path("statement").asText().replace("\n", " "));
        }
        out.flush();
        if (page.hasNonNull("next_before")) {
            spec.commandLine().getErr().println("(older entries: --before " + page.get("next_before").asText() + ")");
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }
}
