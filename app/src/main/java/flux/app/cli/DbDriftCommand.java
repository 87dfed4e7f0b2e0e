package flux.app.cli;

import flux.migrate.Drift;
import flux.migrate.SchemaComparison;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "drift",
        mixinStandardHelpOptions = true,
        description = {"Report objects changed outside migrations: the live database against what its applied",
                "migrations produce, replayed in a scratch database. Exit 1 when there is drift."})
final class DbDriftCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigrationTarget target;

    @Option(names = "--json", description = "Print the differences as JSON.")
    boolean json;

    @Override
    public Integer call() {
        SchemaComparison drift = new Drift(target.database.dataSource(), target.database.connector()).check(target.files());
        PrintWriter out = spec.commandLine().getOut();
        SchemaPrinter printer = new SchemaPrinter(out);
        String display = target.database.resolve().display();
        if (json) {
            printer.json(drift, "expected", Map.of("database", display, "drift", !drift.same()));
        } else {
            drift.notes().forEach(n -> out.println("note: " + n));
            if (drift.same()) {
                out.println("no drift: " + display + " matches its applied migrations (replayed in " + drift.builtIn() + ")");
            } else {
                out.println("drift: " + drift.differences().size() + " difference"
                        + (drift.differences().size() == 1 ? "" : "s") + " between " + display
                        + " and what its applied migrations produce (replayed in " + drift.builtIn() + "):");
                printer.differences(drift.differences(), "expected");
                out.println("SQL that takes the database back to its migrations (review it; or write a migration"
                        + " that keeps the change):");
                drift.statements().forEach(s -> out.println("  " + s.replace("\n", "\n  ") + (s.startsWith("-- ") ? "" : ";")));
            }
        }
        out.flush();
        return drift.same() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
