package flux.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.app.cli.state.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flux capture snapshot TABLE [--where SQL] [--chunk-size N] [--wait]}: asks the running server
 * (FLUX_URL, an admin key in FLUX_API_KEY) to publish the table's current rows as READ messages;
 * with {@code --wait}, follows it to the end (a progress bar on a terminal) and exits 1 unless it
 * finished ({@code cancelled}, {@code failed}).
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Publish a table's current rows to its topic as READ messages while changes keep flowing;"
                + " needs an admin key.")
final class CaptureSnapshotCommand implements Callable<Integer> {
    private static final long POLL_MS = 500;
    private static final int BAR = 30;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TABLE", description = "Tracked table: name (schema public) or schema.name.")
    String table;

    @Option(names = "--where", paramLabel = "SQL", description = "Only rows matching this boolean SQL expression"
            + " over the table's columns (e.g. \"plan = 'pro'\"); one expression, no ';'.")
    String where;

    @Option(names = "--chunk-size", paramLabel = "ROWS", description = "Rows per chunk (default: the server's"
            + " flux.capture.snapshot.chunk-size).")
    Integer chunkSize;

    @Option(names = "--wait", description = "Wait until the snapshot ends, showing its progress.")
    boolean await;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() throws InterruptedException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("table", table);
        if (where != null) {
            body.put("where", where);
        }
        if (chunkSize != null) {
            body.put("chunk_size", chunkSize);
        }
        ServerClient client = server.client();
        JsonNode s = client.post("v1/capture/snapshots", body);
        PrintWriter out = spec.commandLine().getOut();
        if (!await) {
            out.println(server.json() ? s.toPrettyString() : "snapshot " + s.path("id").asText() + " of "
                    + s.path("schema").asText() + "." + s.path("table").asText() + ": "
                    + String.format("%,d", s.path("rows_estimated").asLong()) + " rows to publish"
                    + " (flux capture snapshots shows its progress)");
            out.flush();
            return ExitCodes.OK;
        }
        boolean terminal = System.console() != null && !server.json();
        while ("running".equals(s.path("status").asText())) {
            if (terminal) {
                out.print("\r" + bar(s));
                out.flush();
            }
            Thread.sleep(POLL_MS);
            s = client.get("v1/capture/snapshots/" + s.path("id").asText());
        }
        if (terminal) {
            out.println("\r" + bar(s));
        }
        out.println(server.json() ? s.toPrettyString() : CaptureSnapshotsCommand.line(s));
        out.flush();
        return "done".equals(s.path("status").asText()) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** {@code [#########.....................]  30%  900 / 3,000 rows}. */
    static String bar(JsonNode s) {
        double progress = Math.max(0, Math.min(1, s.path("progress").asDouble()));
        int filled = (int) Math.round(progress * BAR);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] "
                + String.format("%3d%%  %,d / %,d rows", Math.round(progress * 100), s.path("rows_done").asLong(),
                s.path("rows_estimated").asLong());
    }
}
