package flux.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import flux.app.cli.CliFailure;
import flux.app.cli.ExitCodes;
import flux.app.cli.state.ServerOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code flux sql}: the SQL console of a running server, as the API key's tenant and role
 * (docs/console.md). {@code -c} runs a text, files run one after the other (each one
 * transaction), and without either it reads standard input: statement by statement with a
 * prompt on a terminal, otherwise the whole input as one text. Exit 1 when a statement fails
 * (interactive: the session goes on).
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run SQL in the server's console, audited, as your API key's database role.",
        subcommands = SqlAuditCommand.class)
public final class SqlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = "-c", paramLabel = "SQL", description = "statements to run (one transaction)")
    String command;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "files of statements, each run as one transaction")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (command != null && !files.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give -c or files, not both");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (command != null) {
            return run(command, out) ? ExitCodes.OK : ExitCodes.FAILED;
        }
        if (!files.isEmpty()) {
            for (Path file : files) {
                if (!run(read(file), out)) {
                    return ExitCodes.FAILED;
                }
            }
            return ExitCodes.OK;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (System.console() == null) {
            StringBuilder all = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                all.append(line).append('\n');
            }
            return run(all.toString(), out) ? ExitCodes.OK : ExitCodes.FAILED;
        }
        interactive(in, out);
        return ExitCodes.OK;
    }

    /** A prompt per statement; {@code \q} or end of input leaves. */
    private void interactive(BufferedReader in, PrintWriter out) throws IOException {
        out.println("flux sql on " + server.client().base() + " (end statements with ;, \\q to quit)");
        StatementBuffer buffer = new StatementBuffer();
        while (true) {
            out.print(buffer.isEmpty() ? "flux=> " : "flux-> ");
            out.flush();
            String line = in.readLine();
            if (line == null || (buffer.isEmpty() && line.strip().equals("\\q"))) {
                return;
            }
            String text = buffer.add(line);
            if (text != null) {
                try {
                    run(text, out);
                } catch (CliFailure e) {
                    spec.commandLine().getErr().println("flux: " + e.getMessage());
                    spec.commandLine().getErr().flush();
                }
            }
        }
    }

    /** Runs one text; prints its results, or its error as one line. False when a statement failed. */
    private boolean run(String text, PrintWriter out) {
        JsonNode body = JsonNodeFactory.instance.objectNode().put("sql", text);
        JsonNode answer;
        try {
            answer = server.client().post("v1/sql", body);
        } catch (flux.app.cli.ServerClient.ServerError e) {
            if (e.status() != 400) {
                throw e;
            }
            spec.commandLine().getErr().println("flux: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return false;
        }
        if (server.json()) {
            ServerOptions.printJson(out, answer);
            return true;
        }
        for (JsonNode statement : answer.path("statements")) {
            ResultTable.render(statement).forEach(out::println);
        }
        out.flush();
        return true;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
