package flux.migrate;

import flux.migrate.MigrationPlan.Step;
import flux.migrate.MigrationReport.Outcome;
import flux.migrate.MigrationReport.Result;
import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of schema migrations: plans, applies, dry-runs and rolls back
 * {@link MigrationFile}s against one database, keeping the ledger in the {@code flux} schema.
 *
 * <p>Contract: every run that changes something first takes the session advisory lock
 * ({@link MigrationLock}), then reads the ledger, so migrators started together apply each
 * migration once. Each migration commits with its ledger row, or not at all; the first
 * failure stops the run and is thrown as a {@link MigrationException} whose message names
 * the file. Runs use one connection from the DataSource and hand it back clean
 * ({@code DISCARD ALL}: a migration's {@code SET search_path} does not leak into the pool).
 * Thread-safe: it holds no state between calls.
 *
 * <p>{@link #forTenant} gives the migrator of one schema-mode tenant: the same files run with
 * {@code search_path} set to the tenant's {@code t_<id>_api} schema (so unqualified names land
 * there), as the login role (the tenant role owns nothing and cannot create), with the
 * tenant's own ledger rows. The tenant role gets DML on what they create through the schema's
 * default privileges.
 */
public final class Migrator {
    private static final Logger log = LoggerFactory.getLogger(Migrator.class);
    private static final String SESSION_LIMITS =
            "SELECT set_config('lock_timeout', ?, false), set_config('statement_timeout', ?, false)";

    private static final String SEARCH_PATH = "SELECT set_config('search_path', ?, false)";

    private final DataSource dataSource;
    private final MigrationSettings settings;
    private final Ledger ledger;
    /** The tenant schema the files run in; null for the database's search_path. */
    private final String schema;

    public Migrator(DataSource dataSource, MigrationSettings settings) {
        this(dataSource, settings, Ledger.GLOBAL, null);
    }

    private Migrator(DataSource dataSource, MigrationSettings settings, Ledger ledger, String schema) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.ledger = ledger;
        this.schema = schema;
    }

    /**
     * The migrator of a tenant's schema ({@code schema}, which must exist: provision the tenant
     * first), keeping {@code tenantId}'s ledger rows.
     */
    public Migrator forTenant(String tenantId, String schema) {
        return new Migrator(dataSource, settings, Ledger.forTenant(tenantId), schema);
    }

    /** What {@link #migrate} would run now. Reads the ledger; writes nothing and takes no lock. */
    public MigrationPlan plan(List<MigrationFile> files, boolean force) {
        return read("reading the ledger", c -> Planner.forward(files, ledger.migrations(c), ledger.scripts(c), force));
    }

    /** Applies pending files in order; {@code force} re-runs unchanged repeatable scripts. */
    public MigrationReport migrate(List<MigrationFile> files, boolean force) {
        return migrate(files, force, outcome -> { });
    }

    /** As {@link #migrate(List, boolean)}, telling {@code progress} about each step as it commits. */
    public MigrationReport migrate(List<MigrationFile> files, boolean force, Consumer<Outcome> progress) {
        return locked((c, runner) -> {
            MigrationPlan plan = Planner.forward(files, ledger.migrations(c), ledger.scripts(c), force);
            return run(plan, runner, progress);
        });
    }

    /**
     * Runs what {@link #migrate} would, in one transaction that is then rolled back. Files that
     * cannot run in a transaction are skipped (and reported so).
     */
    public MigrationReport dryRun(List<MigrationFile> files, boolean force) {
        return locked((c, runner) -> {
            MigrationPlan plan = Planner.forward(files, ledger.migrations(c), ledger.scripts(c), force);
            List<Outcome> outcomes = Transactions.rollBackAfter(c, x -> {
                List<Outcome> ran = new ArrayList<>();
                for (Step step : plan.steps()) {
                    ran.add(step.transactional() ? runner.runUncommitted(step)
                            : new Outcome(step, Result.SKIPPED, 0, List.of()));
                }
                return ran;
            });
            return new MigrationReport(outcomes, true);
        });
    }

    /** What {@link #rollback} would undo: the last applied migration, or all applied after {@code to}. */
    public MigrationPlan rollbackPlan(List<MigrationFile> files, Version to) {
        return read("reading the ledger", c -> Planner.rollback(files, ledger.migrations(c), to));
    }

    /** Runs down files, newest applied first, each with the deletion of its ledger row. */
    public MigrationReport rollback(List<MigrationFile> files, Version to) {
        return rollback(files, to, outcome -> { });
    }

    /** As {@link #rollback(List, Version)}, telling {@code progress} about each step as it commits. */
    public MigrationReport rollback(List<MigrationFile> files, Version to, Consumer<Outcome> progress) {
        return locked((c, runner) -> run(Planner.rollback(files, ledger.migrations(c), to), runner, progress));
    }

    /** Each file against the ledger, then applied migrations whose file is gone. Writes nothing. */
    public List<MigrationStatus> status(List<MigrationFile> files) {
        return read("reading the ledger", c -> MigrationStatus.of(files, ledger.migrations(c), ledger.scripts(c)));
    }

    /** Applied versioned migrations in the order they were applied. */
    public List<AppliedMigration> history() {
        return read("reading the ledger", ledger::migrations);
    }

    /** Repeatable scripts' last runs, by file name. */
    public Map<String, AppliedScript> repeatableScripts() {
        return read("reading the ledger", ledger::scripts);
    }

    /**
     * Accepts an applied file's current text as what was applied: for an edit that changes
     * nothing in the database (a comment, formatting), after checking that yourself.
     *
     * @return false when the version is not applied
     */
    public boolean acceptChecksum(MigrationFile file) {
        return locked((c, runner) -> ledger.acceptChecksum(c, file.version(), file.checksum()) == 1);
    }

    /**
     * Clears dirty {@code version} after an operator fixed the database: marks it applied (with
     * the checksum of its file in {@code files}, if there), or with {@code rerun} removes its row
     * so that the next {@link #migrate} runs it again.
     *
     * @return the dirty row as it was
     * @throws InvalidMigration when the version is not recorded, or not dirty
     */
    public AppliedMigration repair(List<MigrationFile> files, Version version, boolean rerun) {
        return locked((c, runner) -> Repair.run(c, ledger, files, version, rerun));
    }

    /**
     * Records every versioned file up to {@code version} as applied, without running it: for a
     * database whose schema exists already (made by hand, or by an older tool). One transaction.
     *
     * @return the files recorded (those already in the ledger are left as they are)
     */
    public List<MigrationFile> baseline(List<MigrationFile> files, Version version) {
        return locked((c, runner) -> Transactions.call(c, x -> Baseline.run(x, ledger, files, version,
                "baseline: recorded as applied up to version " + version + ", not run")));
    }

    /**
     * Records what another tool's ledger says was applied, without running anything; checksums
     * from {@code files}. {@code table} null means the tool's default table. One transaction.
     */
    public ImportReport importFrom(List<MigrationFile> files, ForeignLedger source, String table) {
        return locked((c, runner) -> Transactions.call(c, x -> LedgerImport.run(x, ledger, files, source, table)));
    }

    private MigrationReport run(MigrationPlan plan, StepRunner runner, Consumer<Outcome> progress) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Step step : plan.steps()) {
            Outcome outcome = runner.runAndCommit(step);
            progress.accept(outcome);
            log.debug("{} {} in {} ms{}", step.action().name().toLowerCase(), step.fileName(), outcome.executionMs(),
                    outcome.trackedTables().isEmpty() ? "" : "; replica identity full on " + outcome.trackedTables());
            outcomes.add(outcome);
        }
        return new MigrationReport(outcomes, false);
    }

    /** Takes the migration lock, sets the session limits, makes sure the ledger exists, runs {@code work}. */
    private <T> T locked(LockedWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            try (MigrationLock ignored = MigrationLock.acquire(c, settings.lockWait())) {
                try (PreparedStatement ps = c.prepareStatement(SESSION_LIMITS)) {
                    ps.setString(1, settings.lockTimeout().toMillis() + "ms");
                    ps.setString(2, settings.statementTimeout().toMillis() + "ms");
                    ps.execute();
                }
                if (schema != null) {
                    try (PreparedStatement ps = c.prepareStatement(SEARCH_PATH)) {
                        // a search_path entry is an identifier, quoted; the whole is the setting's value, bound
                        ps.setString(1, Identifiers.quote(schema));
                        ps.execute();
                    }
                }
                if (!ledger.exists(c)) {
                    // only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when it exists
                    Ledger.create(c);
                }
                return work.run(c, new StepRunner(c, ledger));
            } finally {
                discard(c);
            }
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw MigrationFailed.database("preparing the migration run (connection, lock, ledger)", e);
        }
    }

    private <T> T read(String doing, Read<T> read) {
        try (Connection c = dataSource.getConnection()) {
            return read.run(c);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw MigrationFailed.database(doing, e);
        }
    }

    /** Returns the connection to its pool as it was: settings, temp tables and locks gone. */
    private static void discard(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Statement st = c.createStatement()) {
                st.execute("DISCARD ALL");
            }
        } catch (SQLException ignored) {
            // a broken connection is discarded by the pool anyway
        }
    }

    private interface LockedWork<T> {
        T run(Connection c, StepRunner runner) throws SQLException;
    }

    private interface Read<T> {
        T run(Connection c) throws SQLException;
    }
}
