package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux state blame users --id 42}: per column, the value and the request that last wrote it. */
@Command(name = "blame", mixinStandardHelpOptions = true,
        description = "Who last wrote each column of a row, and the last attempt when it rolled back.")
final class StateBlameCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    RowArguments row;

    @Override
    public Integer call() {
        JsonNode blame = server.client().get(row.path("blame"));
        PrintWriter out = spec.commandLine().getOut();
        if (server.json) {
            ServerOptions.printJson(out, blame);
        } else {
            server.text(blame).blame(blame).forEach(out::println);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
