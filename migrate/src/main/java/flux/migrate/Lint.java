package flux.migrate;

import flux.migrate.MigrationPlan.Step;
import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The front door of lint ({@code flux db lint}, and the lint of {@code --plan}): runs the pending
 * files statement by statement in a scratch database that holds what the applied migrations
 * produce, reads the catalog after each statement that may change it, and judges each change
 * against the live database's tables ({@link LintRules}). Catalogs, not SQL text, say what a
 * statement did: a rewrite is a new relfilenode, a rename an unchanged one under a new name.
 * Needs CREATEDB (a scratch database). Writes nothing to the live database. Thread-safe.
 */
public final class Lint {
    /**
     * Live tables' row counts: the planner's estimate, or the live tuple count of a table never
     * analyzed (reltuples -1). Not the greater of the two: the statistics counters are flushed by
     * each backend a little later, so n_live_tup can count an analyzed table's rows twice.
     */
    private static final String ROWS = """
            SELECT n.nspname || '.' || c.relname,
                   CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE greatest(coalesce(s.n_live_tup, 0), 0) END
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'flux')""";
    public static final long DEFAULT_LARGE_ROWS = 100_000;

    private final DataSource dataSource;
    private final DatabaseConnector connector;
    private final long largeRows;

    /** @param largeRows tables of this many rows or more are large: long locks on them are flagged */
    public Lint(DataSource dataSource, DatabaseConnector connector, long largeRows) {
        this.dataSource = dataSource;
        this.connector = connector;
        this.largeRows = largeRows;
    }

    /** Lints what {@code flux db migrate} would run now. */
    public LintReport check(List<MigrationFile> files, ColumnUsage usage) {
        try (Connection c = dataSource.getConnection()) {
            Ledger ledger = Ledger.GLOBAL;
            MigrationPlan plan = Planner.forward(files, ledger.migrations(c), ledger.scripts(c), false);
            List<String> names = plan.steps().stream().map(Step::fileName).toList();
            if (plan.isEmpty()) {
                return new LintReport(names, List.of(), null, List.of());
            }
            List<String> notes = new ArrayList<>();
            if (usage.window() == null) {
                notes.add("column usage not checked: no observed API queries");
            }
            List<MigrationFile> replay = Drift.applied(c, files, notes);
            LintRules rules = new LintRules(liveRows(c), largeRows, usage);
            List<LintFinding> findings = new ArrayList<>();
            try (ScratchCatalog.Session scratch = ScratchCatalog.open(c, connector, "lint")) {
                for (MigrationFile f : replay) {
                    scratch.run(f, "what the applied migrations produce");
                }
                SchemaCatalog before = scratch.catalog();
                for (Step step : plan.steps()) {
                    for (SqlStatement s : step.script().statements()) {
                        scratch.execute(step.migration(), s, "lint of " + step.fileName());
                        if (LintRules.mayChangeCatalog(s)) {
                            SchemaCatalog after = scratch.catalog();
                            findings.addAll(rules.check(step.fileName(), s, before, after));
                            before = after;
                        }
                    }
                }
            }
            return new LintReport(names, findings, "a scratch database", notes);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw MigrationFailed.database("linting the pending migrations", e);
        }
    }

    private static Map<String, Long> liveRows(Connection c) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ROWS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        }
        return rows;
    }
}
