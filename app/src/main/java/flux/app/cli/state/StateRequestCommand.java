package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flux state request 4f9a3b2c-...}: every mutation one request made or attempted, across tables. */
@Command(name = "request", mixinStandardHelpOptions = true,
        description = "Every mutation one request made or attempted, across tables, in the order written.")
final class StateRequestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "REQUEST_ID",
            description = "the request id, or a prefix of it that no other request id has (as printed: req:0192aaaa-1f)")
    String requestId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "entries per page (1-1000, default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "continue after a previous page (its next_cursor)")
    String cursor;

    @Override
    public Integer call() {
        // prefix=true: the short forms the CLI prints are taken back (the answer names the whole id)
        JsonNode page = server.client().get("v1/requests/" + ServerOptions.segment(requestId)
                + "?prefix=true&limit=" + ServerOptions.limit(spec, limit) + ServerOptions.query("cursor", cursor));
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            ServerOptions.printJson(out, page);
            return ExitCodes.OK;
        }
        server.text(page).entries(page.path("entries"), Set.of(), true).forEach(out::println);
        out.flush();
        if (page.hasNonNull("next_cursor")) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("(more entries: --cursor " + page.get("next_cursor").asText() + ")");
            err.flush();
        }
        return ExitCodes.OK;
    }
}
