package flux.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import flux.app.cli.state.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux capture snapshots}: every snapshot with its state and progress, newest first (admin key). */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = "List snapshots (backfills) with status and progress, newest first; needs an admin key.")
final class CaptureSnapshotsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        JsonNode all = server.client().get("v1/capture/snapshots");
        PrintWriter out = spec.commandLine().getOut();
        if (server.json()) {
            out.println(all.toPrettyString());
        } else if (all.isEmpty()) {
            out.println("no snapshots");
        } else {
            all.forEach(s -> out.println(line(s)));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code <id>  public.users  running  1,200 / 3,000 rows (40%)  where plan = 'pro'}. */
    static String line(JsonNode s) {
        String where = s.hasNonNull("filter") ? "  where " + s.get("filter").asText() : "";
        String error = s.hasNonNull("error") ? "  (" + s.get("error").asText() + ")" : "";
        return String.format("%s  %s.%s  %s  %,d / %,d rows (%d%%)%s%s", s.path("id").asText(),
                s.path("schema").asText(), s.path("table").asText(), s.path("status").asText(),
                s.path("rows_done").asLong(), s.path("rows_estimated").asLong(),
                Math.round(100 * s.path("progress").asDouble()), where, error);
    }

    /** The running snapshots for {@code flux capture status}; null when the key may not list them (not admin). */
    static JsonNode running(ServerClient server) {
        try {
            ArrayNode running = JsonNodeFactory.instance.arrayNode();
            server.get("v1/capture/snapshots").forEach(s -> {
                if ("running".equals(s.path("status").asText())) {
                    running.add(s);
                }
            });
            return running;
        } catch (ServerClient.ServerError e) {
            return null; // 403 for a tenant's or a reader's key, 503 without capture: status says the rest
        }
    }
}
