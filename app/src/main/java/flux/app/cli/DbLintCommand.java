package flux.app.cli;

import flux.migrate.LintReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "lint",
        mixinStandardHelpOptions = true,
        description = {"Flag risky changes in the pending migrations: drops and narrowed types of live data, long",
                "locks on large tables (an index without CONCURRENTLY, SET NOT NULL without a validated check, a",
                "volatile default, a rewrite), and drops or renames of columns API queries used recently (asked",
                "of the server at FLUX_URL). The files run in a scratch database, never in the live one.",
                "Warnings; exit 1 with --strict when there are any."})
final class DbLintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigrationTarget target;

    @Mixin
    LintOptions lint;

    @Option(names = "--strict", description = "Exit 1 when anything is flagged.")
    boolean strict;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Override
    public Integer call() {
        List<String> notes = new ArrayList<>();
        LintReport report = lint.run(target.database, target.files(), notes);
        LintPrinter printer = new LintPrinter(spec.commandLine().getOut());
        if (json) {
            printer.json(report, notes);
        } else {
            printer.text(report, lint.largeRows);
        }
        spec.commandLine().getOut().flush();
        return strict && !report.findings().isEmpty() ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
