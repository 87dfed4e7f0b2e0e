package flux.app.cli;

import flux.migrate.AppliedMigration;
import flux.migrate.AppliedScript;
import flux.migrate.MigrationPlan;
import flux.migrate.MigrationPlan.Step;
import flux.migrate.MigrationReport;
import flux.migrate.MigrationReport.Outcome;
import flux.migrate.MigrationStatus;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;

/** How the migration commands print plans, reports and the ledger: one line per file. */
final class MigrationPrinter {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private final PrintWriter out;

    MigrationPrinter(PrintWriter out) {
        this.out = out;
    }

    void plan(MigrationPlan plan, String target) {
        if (plan.isEmpty()) {
            out.println("nothing to run: " + target + " is up to date");
            return;
        }
        out.println(plan.steps().size() + " to run against " + target + ", in this order:");
        int width = width(plan.steps().stream().map(Step::fileName).toList());
        int n = 1;
        for (Step step : plan.steps()) {
            out.printf("  %2d  %-" + width + "s  %-6s  %-10s  %s%s%n", n++, step.fileName(), verb(step),
                    step.migration().mode().label(), step.transactionMode(), note(step));
        }
    }

    /** One line per step, as it completes. */
    void outcome(Outcome o) {
        Step step = o.step();
        switch (o.result()) {
            case DONE -> out.printf("%s %s (%d ms, %s)%s%n", past(step), step.fileName(), o.executionMs(),
                    step.transactional() ? "in a transaction" : "outside a transaction", tracked(o));
            case ROLLED_BACK -> out.printf("ok %s (%d ms, rolled back)%s%n", step.fileName(), o.executionMs(),
                    tracked(o));
            case SKIPPED -> out.printf("skipped %s: it runs %s, which a dry run cannot undo%n", step.fileName(),
                    step.transactionMode());
        }
        out.flush();
    }

    /** The closing line of a run whose steps were printed with {@link #outcome}. */
    void summary(MigrationReport report, String target) {
        if (report.dryRun()) {
            out.println("dry run: " + report.outcomes().size() + " checked against " + target + ", nothing changed");
        } else if (report.outcomes().isEmpty()) {
            out.println("nothing to run: " + target + " is up to date");
        } else {
            out.println("done: " + report.outcomes().size() + " against " + target);
        }
    }

    void history(List<AppliedMigration> applied, Collection<AppliedScript> scripts) {
        if (applied.isEmpty() && scripts.isEmpty()) {
            out.println("no migrations applied");
            return;
        }
        int width = width(java.util.stream.Stream.concat(applied.stream().map(AppliedMigration::name),
                scripts.stream().map(AppliedScript::name)).toList());
        for (AppliedMigration a : applied) {
            out.printf("%-8s  %-" + width + "s  %s  %6d ms%s%s%n", a.version(), a.name(), when(a.appliedAt()),
                    a.executionMs(), a.transactional() ? "" : "  (outside a transaction)",
                    a.dirty() ? "  DIRTY: " + a.note() : a.note() == null ? "" : "  (" + a.note() + ")");
        }
        for (AppliedScript s : scripts) {
            out.printf("%-8s  %-" + width + "s  %s  %6d ms  (repeatable, runs: %d)%n", "-", s.name(),
                    when(s.appliedAt()), s.executionMs(), s.runCount());
        }
    }

    void current(List<AppliedMigration> applied) {
        if (applied.isEmpty()) {
            out.println("no migrations applied");
            return;
        }
        AppliedMigration last = applied.get(applied.size() - 1);
        out.printf("%s (%s, %s %s; %d applied in all)%n", last.version(), last.name(),
                last.dirty() ? "DIRTY since" : "applied", when(last.appliedAt()), applied.size());
    }

    void status(List<MigrationStatus> lines) {
        if (lines.isEmpty()) {
            out.println("no migration files and nothing applied");
            return;
        }
        int width = width(lines.stream().map(MigrationStatus::name).toList());
        for (MigrationStatus s : lines) {
            out.printf("%-" + width + "s  %-10s  %-18s  %s%n", s.name(), s.mode().label(), s.state().label(),
                    s.appliedAt() == null ? "" : when(s.appliedAt()));
        }
    }

    private static String verb(Step step) {
        return switch (step.action()) {
            case APPLY -> "apply";
            case RERUN -> "re-run";
            case UNDO -> "undo";
        };
    }

    private static String past(Step step) {
        return switch (step.action()) {
            case APPLY -> "applied";
            case RERUN -> "re-ran";
            case UNDO -> "undid " + step.migration().name() + " with";
        };
    }

    private static String note(Step step) {
        return step.note() == null ? "" : "  [" + step.note() + "]";
    }

    private static String tracked(Outcome o) {
        return o.trackedTables().isEmpty() ? "" : "; replica identity full: " + String.join(", ", o.trackedTables());
    }

    private static String when(OffsetDateTime t) {
        return t.atZoneSameInstant(ZoneOffset.UTC).format(WHEN);
    }

    private static int width(List<String> names) {
        return Math.max(1, names.stream().mapToInt(String::length).max().orElse(1));
    }
}
