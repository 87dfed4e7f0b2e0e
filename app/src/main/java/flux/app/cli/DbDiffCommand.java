package flux.app.cli;

import flux.migrate.SchemaComparison;
import flux.migrate.SchemaDiff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "diff",
        mixinStandardHelpOptions = true,
        description = {"Print the SQL that takes the live database to the desired state (schema/schema.sql, or a",
                "directory of .sql files). The desired state is built in a scratch database (or, without CREATEDB,",
                "a scratch schema that is rolled back) and the two catalogs are compared.",
                "With --apply, run that SQL in one transaction (drops of tables or columns need --allow-destructive)."})
final class DbDiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--desired", paramLabel = "PATH", defaultValue = "schema/schema.sql",
            description = "The desired-state file or directory (default ${DEFAULT-VALUE}).")
    Path desired;

    @Option(names = "--apply", description = "Apply the SQL, in one transaction.")
    boolean apply;

    @Option(names = "--allow-destructive", description = "With --apply: also drop tables and columns.")
    boolean allowDestructive;

    @Option(names = "--json", description = "Print the differences and the SQL as JSON.")
    boolean json;

    @Override
    public Integer call() {
        SchemaDiff differ = new SchemaDiff(database.dataSource(), database.connector());
        SchemaComparison diff = apply ? differ.apply(desired, allowDestructive) : differ.diff(desired);
        PrintWriter out = spec.commandLine().getOut();
        SchemaPrinter printer = new SchemaPrinter(out);
        String target = database.resolve().display();
        if (json) {
            printer.json(diff, "desired", Map.of("database", target, "desired_state", desired.toString(),
                    "applied", apply && !diff.same()));
        } else if (diff.same()) {
            out.println("-- no differences: " + target + " matches " + desired);
        } else {
            out.println("-- " + target + " -> " + desired + " (desired state built in " + diff.builtIn() + "): "
                    + diff.differences().size() + " difference" + (diff.differences().size() == 1 ? "" : "s")
                    + (diff.destructive() ? "; DROPS A TABLE OR COLUMN: review before applying" : ""));
            printer.script(diff);
            if (apply) {
                out.println("-- applied: " + diff.statements().stream().filter(s -> !s.startsWith("-- ")).count()
                        + " statements in one transaction");
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
