package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.app.cli.CliFailure;
import flux.app.cli.ExitCodes;
import flux.app.cli.ServerClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flux state undo REQUEST_ID [--dry-run] [--force users:42:email ...] [--force-all]}: reverses
 * what a request committed, as a new request (docs/history.md, "Undo a request"). Refused (exit 1)
 * when later changes would be overwritten: the conflicts are printed (with {@code --json}, the
 * problem with its {@code conflicts}), each with the name {@code --force} takes.
 */
@Command(name = "undo", mixinStandardHelpOptions = true,
        description = "Undo a request: put back what it changed, as a new request, unless later changes are in the way.")
final class StateUndoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "REQUEST_ID",
            description = "the request id, or a prefix of it that no other request id has (as printed: req:0192aaaa-1f)")
    String requestId;

    @Option(names = "--dry-run", description = "print the plan and the conflicts; change nothing")
    boolean dryRun;

    @Option(names = "--force", paramLabel = "TABLE:ID:COLUMN",
            description = "overwrite this later change (repeatable; COLUMN * for a whole-row conflict)")
    List<String> force = new ArrayList<>();

    @Option(names = "--force-all", description = "overwrite every later change")
    boolean forceAll;

    @Override
    public Integer call() {
        ObjectNode body = JSON.createObjectNode();
        force.forEach(body.putArray("force")::add);
        body.put("force_all", forceAll);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode plan;
        try {
            // prefix=true: the short forms the CLI prints are taken back (the plan names the whole id)
            plan = server.client().post("v1/requests/" + ServerOptions.segment(requestId) + "/undo?prefix=true"
                    + (dryRun ? "&dry_run=true" : ""), body);
        } catch (ServerClient.ServerError e) {
            JsonNode problem = e.problem();
            if (problem != null && problem.has("conflicts")) {
                if (server.json) {
                    ServerOptions.printJson(out, problem);
                } else {
                    UndoText text = new UndoText(server.text(problem));
                    text.conflicts(problem.path("conflicts")).forEach(out::println);
                    out.flush();
                }
            }
            throw e;
        }
        if (server.json) {
            ServerOptions.printJson(out, plan);
        } else {
            new UndoText(server.text(plan)).plan(plan).forEach(out::println);
            out.flush();
        }
        if (dryRun && !plan.path("conflicts").isEmpty() && hasUnforced(plan.path("conflicts"))) {
            throw new CliFailure("the undo would be refused: later changes are in the way (--force TABLE:ID:COLUMN, --force-all)");
        }
        return ExitCodes.OK;
    }

    private static boolean hasUnforced(JsonNode conflicts) {
        for (JsonNode c : conflicts) {
            if (!c.path("forced").asBoolean()) {
                return true;
            }
        }
        return false;
    }
}
