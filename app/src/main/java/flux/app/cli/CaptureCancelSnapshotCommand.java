package flux.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.state.ServerOptions;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flux capture cancel-snapshot ID}: stops a running snapshot after its chunks in flight (admin key). */
@Command(name = "cancel-snapshot", mixinStandardHelpOptions = true,
        description = "Cancel a running snapshot (it stops after the chunks in flight); needs an admin key.")
final class CaptureCancelSnapshotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The snapshot's id (flux capture snapshots).")
    String id;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        JsonNode s = server.client().delete("v1/capture/snapshots/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8));
        PrintWriter out = spec.commandLine().getOut();
        out.println(server.json() ? s.toPrettyString() : CaptureSnapshotsCommand.line(s));
        out.flush();
        return ExitCodes.OK;
    }
}
