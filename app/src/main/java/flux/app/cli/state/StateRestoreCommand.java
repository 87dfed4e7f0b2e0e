package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
 * {@code flux state restore users --id 42 [--at TIME]}: brings a deleted row back as it was before
 * it was removed (or at a moment), inserted again as a new request; refused when the key is taken.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Insert a deleted row again, as it was before it was removed (or at --at).")
final class StateRestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    RowArguments row;

    @Option(names = "--at", paramLabel = "TIME", converter = TimeConverter.class,
            description = "restore the row as it was then: ISO-8601 (2026-03-10T14:22:00Z) or local time (2026-03-10 14:22)")
    Instant at;

    @Override
    public Integer call() {
        JsonNode restored = server.client().post(row.path("restore")
                + (at == null ? "" : "?" + ServerOptions.query("at", at).substring(1)), JsonNodeFactory.instance.objectNode());
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            ServerOptions.printJson(out, restored);
            return ExitCodes.OK;
        }
        HistoryText text = server.text(restored);
        out.println("restored " + restored.path("table").asText() + " " + restored.path("row_id").asText()
                + " as of " + text.time(restored.path("from").asText()) + " as req:"
                + restored.path("request_id").asText());
        restored.path("row").fields().forEachRemaining(f -> out.println("  " + f.getKey() + " = "
                + HistoryText.value(f.getValue())));
        out.flush();
        return ExitCodes.OK;
    }
}
