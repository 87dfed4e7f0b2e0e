package flux.app.migrate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.migrate.AppliedMigration;
import flux.migrate.Difference;
import flux.migrate.LintFinding;
import flux.migrate.LintReport;
import flux.migrate.MigrationPlan;
import flux.migrate.MigrationReport;
import flux.migrate.SchemaComparison;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bodies of the admin schema API (docs/migrations.md shows them), snake_case. */
final class SchemaAnswers {
    private SchemaAnswers() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Dump(List<String> schemas, int objects, String sql) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Applied(String version, String name, String appliedAt, boolean transactional, String note) {
        static Applied of(AppliedMigration a) {
            return new Applied(a.version().text(), a.name(), a.appliedAt().toString(), a.transactional(), a.note());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Change(String change, String kind, String name, String live, String target) {
        static List<Change> of(List<Difference> differences) {
            return differences.stream().map(d -> new Change(d.change().label(), d.kind(), d.name(), d.live(), d.target()))
                    .toList();
        }
    }

    /** {@code checked} false (and {@code reason}) when drift could not be computed, or was not asked for. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DriftAnswer(boolean checked, Boolean drift, String builtIn, List<Change> differences, String sql,
                       List<String> notes, String reason) {
        static DriftAnswer of(SchemaComparison c) {
            return new DriftAnswer(true, !c.same(), c.builtIn(), Change.of(c.differences()), c.script(), c.notes(), null);
        }

        static DriftAnswer unchecked(String reason) {
            return new DriftAnswer(false, null, null, null, null, null, reason);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Status(List<Applied> applied, List<String> pending, List<Applied> dirty, DriftAnswer drift) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Step(String file, String action, String mode, String transaction, String note) {
        static List<Step> of(MigrationPlan plan) {
            return plan.steps().stream().map(s -> new Step(s.fileName(), s.action().name().toLowerCase(),
                    s.migration().mode().label(), s.transactionMode(), s.note())).toList();
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Finding(String file, int line, String rule, String risk, String message) {
        static List<Finding> of(List<LintFinding> findings) {
            return findings.stream().map(f -> new Finding(f.file(), f.line(), f.rule().label(), f.rule().risk(),
                    f.message())).toList();
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LintAnswer(boolean checked, List<Finding> findings, List<String> notes, String reason) {
        static LintAnswer of(LintReport r) {
            return new LintAnswer(true, Finding.of(r.findings()), r.notes(), null);
        }

        static LintAnswer unchecked(String reason) {
            return new LintAnswer(false, null, null, reason);
        }
    }

    /** The desired state against the live database: absent when there is no desired-state file. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Declarative(String desiredState, String builtIn, List<Change> differences, boolean destructive, String sql) {
        static Declarative of(String path, SchemaComparison c) {
            return new Declarative(path, c.builtIn(), Change.of(c.differences()), c.destructive(), c.script());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Plan(List<Step> migrations, LintAnswer lint, Declarative declarative) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ApplyAnswer(List<Map<String, Object>> applied, Declarative declarative) {
        static ApplyAnswer of(MigrationReport report) {
            return new ApplyAnswer(report.outcomes().stream().map(o -> {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("file", o.step().fileName());
                step.put("action", o.step().action().name().toLowerCase());
                step.put("execution_ms", o.executionMs());
                return step;
            }).toList(), null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Validation(boolean valid, List<String> problems, DriftAnswer drift, LintAnswer lint) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Usage(String window, List<Map<String, Object>> columns) {
    }
}
