package flux.app.cli;

import flux.migrate.ColumnUsage;
import flux.migrate.Lint;
import flux.migrate.LintReport;
import flux.migrate.MigrationFile;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Lint's options, shared by {@code db lint} and {@code db migrate} (its --plan and --strict). */
public final class LintOptions {
    @Option(names = "--large-table-rows", paramLabel = "N", defaultValue = "" + Lint.DEFAULT_LARGE_ROWS,
            description = "Tables of this many rows or more are large: long locks on them are flagged"
                    + " (default ${DEFAULT-VALUE}).")
    long largeRows;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:FLUX_URL:-}",
            description = "A running server to ask which columns API queries used recently (env FLUX_URL).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:FLUX_API_KEY:-}",
            description = "An admin key for that server in keys mode (env FLUX_API_KEY).")
    String apiKey;

    /** Lints the pending files; {@code notes} collects what could not be checked. */
    LintReport run(DatabaseOptions database, List<MigrationFile> files, List<String> notes) {
        List<String> usageNotes = new ArrayList<>();
        ColumnUsage usage = ObservedColumns.fetch(url, apiKey, usageNotes);
        LintReport report = new Lint(database.dataSource(), database.connector(), largeRows).check(files, usage);
        notes.addAll(usageNotes);
        notes.addAll(report.notes().stream().filter(n -> usageNotes.isEmpty() || !n.startsWith("column usage")).toList());
        return new LintReport(report.files(), report.findings(), report.builtIn(), notes);
    }
}
