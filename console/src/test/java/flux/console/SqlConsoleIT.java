package flux.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantExtensions;
import flux.tenancy.TenantScope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console against a real database: each caller's statements run as its own role and can
 * reach nothing else, whatever SQL it sends; every statement is audited.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlConsoleIT {
    private static final TenantScope ACME = new TenantScope("con-acme", TenantScope.Isolation.ROW, false);
    private static final TenantScope GLOBEX = new TenantScope("con-globex", TenantScope.Isolation.ROW, false);
    private static final TenantScope INITECH = new TenantScope("con-initech", TenantScope.Isolation.SCHEMA, false);

    private final TestPostgres db;
    private final SqlConsole console;

    SqlConsoleIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("sql_console");
        DataSource ds = db.dataSource();
        TestTenants.installSchema(ds);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
            st.execute("INSERT INTO notes VALUES (1, 'con-acme', 'acme note'), (2, 'con-globex', 'globex secret')");
        }
        TenantDirectory tenants = TestTenants.directory(ds);
        tenants.provision(ACME.tenantId(), TenantScope.Isolation.ROW, null);
        tenants.provision(GLOBEX.tenantId(), TenantScope.Isolation.ROW, null);
        tenants.provision(INITECH.tenantId(), TenantScope.Isolation.SCHEMA, null);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t_con_initech_api.items (id int PRIMARY KEY, name text)");
            st.execute("INSERT INTO t_con_initech_api.items VALUES (1, 'widget')");
            TenantExtensions.install(c); // pgcrypto, uuid-ossp, ... in flux_extensions, as the first tenant login does
        }
        console = new SqlConsole(ds, new ConsoleLogins(ds, db.jdbcUrl(), db.user(), db.password()),
                new ConsoleAudit(ds), new ConsoleLimits(Duration.ofSeconds(1), 3, 10));
    }

    private static ConsoleCaller caller(TenantScope scope, boolean writes) {
        return ConsoleCaller.tenant("key-" + scope.tenantId(), scope, writes);
    }

    private static List<String> column(ConsoleRun run, int statement) {
        return run.statements().get(statement).rows().stream().map(r -> r.get(0)).toList();
    }

    @Test
    void anOperatorRunsAsTheLoginRoleAndSeesEveryTenant() {
        ConsoleRun run = console.run(ConsoleCaller.operator(null), "SELECT body FROM notes ORDER BY id");
        assertThat(run.failed()).isFalse();
        assertThat(run.dbRole()).isEqualTo(db.user());
        assertThat(column(run, 0)).containsExactly("acme note", "globex secret");
    }

    @Test
    void aRowTenantSeesOnlyItsRowsEvenAfterChangingTheTenantSetting() {
        ConsoleRun run = console.run(caller(ACME, false), """
                SELECT body FROM notes ORDER BY id;
                SELECT set_config('flux.tenant_id', 'con-globex', false);
                SELECT body FROM notes ORDER BY id""");
        assertThat(run.failed()).as("%s", run.failure()).isFalse();
        assertThat(column(run, 0)).containsExactly("acme note");
        // The row-level policy now admits globex's rows, the console's own policy none but acme's: nothing.
        assertThat(column(run, 2)).isEmpty();
    }

    @Test
    void aTenantCannotBecomeAnotherRole() {
        ConsoleRun reset = console.run(caller(ACME, true), "RESET ROLE; SELECT current_user, session_user");
        assertThat(reset.statements().get(1).rows().get(0))
                .containsOnly(ConsoleLogins.roleOf(ACME.tenantId(), true));
        ConsoleRun set = console.run(caller(ACME, true), "SELECT set_config('role', '" + db.user() + "', false)");
        assertThat(set.failure().error()).startsWith("42501");
        ConsoleRun runtime = console.run(caller(ACME, true), "SET ROLE flux_runtime");
        assertThat(runtime.failure().error()).startsWith("42501");
    }

    @Test
    void aRowTenantCannotWriteAnotherTenantsRows() {
        ConsoleRun insert = console.run(caller(ACME, true), "INSERT INTO notes VALUES (9, 'con-globex', 'forged')");
        assertThat(insert.failure().error()).startsWith("42501");
        ConsoleRun update = console.run(caller(ACME, true), """
                SELECT set_config('flux.tenant_id', 'con-globex', false);
                UPDATE notes SET body = 'overwritten' WHERE id = 2""");
        assertThat(update.failed()).isFalse();
        assertThat(update.statements().get(1).rowCount()).isZero();
    }

    @Test
    void aTenantReachesNoneOfFluxsOwnTables() {
        for (String table : List.of("flux.state_mutations", "flux.console_audit", "flux.api_keys")) {
            ConsoleRun run = console.run(caller(ACME, true), "SELECT count(*) FROM " + table);
            assertThat(run.failure().error()).as(table).startsWith("42501");
        }
        ConsoleRun write = console.run(caller(INITECH, true), "INSERT INTO flux.console_audit (db_role, request_id,"
                + " statement) VALUES ('x', 'y', 'forged')");
        assertThat(write.failure().error()).startsWith("42501");
    }

    @Test
    void aSchemaTenantSeesItsSchemaByBareNamesAndNoOtherTable() {
        ConsoleRun own = console.run(caller(INITECH, false), "SELECT name FROM items WHERE id = 1");
        assertThat(column(own, 0)).containsExactly("widget");
        ConsoleRun shared = console.run(caller(INITECH, false), "SELECT body FROM public.notes");
        assertThat(shared.failure().error()).startsWith("42501");
    }

    @Test
    void tenantsCallTheAllowedExtensionsFunctions() {
        ConsoleRun schema = console.run(caller(INITECH, false), "SELECT encode(digest('x', 'sha256'), 'hex')");
        assertThat(schema.failed()).as("%s", schema.failure()).isFalse();
        assertThat(column(schema, 0).get(0)).hasSize(64);
        ConsoleRun row = console.run(caller(ACME, false), "SELECT flux_extensions.uuid_generate_v4()::text");
        assertThat(row.failed()).as("%s", row.failure()).isFalse();
        assertThat(column(row, 0).get(0)).hasSize(36);
    }

    @Test
    void aReadOnlyKeyCannotWrite() {
        ConsoleRun run = console.run(caller(INITECH, false), "INSERT INTO items VALUES (2, 'gadget')");
        assertThat(run.failure().error()).matches("(25006|42501).*");
        assertThat(run.committed()).isFalse();
    }

    @Test
    void aWriteIsMarkedWithTheRunsRequestIdAndAudited() throws Exception {
        ConsoleRun run = console.run(caller(INITECH, true), "INSERT INTO items VALUES (3, 'gizmo')");
        assertThat(run.committed()).isTrue();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT request_id, tenant_id FROM flux.console_transactions")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(run.requestId());
            assertThat(rs.getString(2)).isEqualTo(INITECH.tenantId());
        }
        List<AuditEntry> audited = console.audit().list(caller(INITECH, true), null, 50);
        assertThat(audited).filteredOn(e -> e.requestId().equals(run.requestId())).singleElement()
                .satisfies(e -> {
                    assertThat(e.statement()).isEqualTo("INSERT INTO items VALUES (3, 'gizmo')");
                    assertThat(e.outcome()).isEqualTo("committed");
                    assertThat(e.rowCount()).isEqualTo(1L);
                    assertThat(e.durationMs()).isNotNull();
                    assertThat(e.keyId()).isEqualTo("key-con-initech");
                });
    }

    @Test
    void aFailedStatementRollsBackTheRunAndIsAuditedWithItsError() throws Exception {
        ConsoleRun run = console.run(caller(INITECH, true), "INSERT INTO items VALUES (4, 'one'); SELECT 1/0");
        assertThat(run.committed()).isFalse();
        assertThat(run.failure().error()).startsWith("22012");
        assertThat(column(console.run(caller(INITECH, false), "SELECT count(*) FROM items WHERE id = 4"), 0))
                .containsExactly("0");
        assertThat(console.audit().list(caller(INITECH, true), null, 50))
                .filteredOn(e -> e.requestId().equals(run.requestId()))
                .extracting(AuditEntry::outcome, AuditEntry::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("rolled_back", "22012: ERROR: division by zero"),
                        org.assertj.core.groups.Tuple.tuple("rolled_back", null));
    }

    @Test
    void transactionControlIsRefusedBeforeAnythingRunsAndAudited() throws Exception {
        assertThatThrownBy(() -> console.run(caller(GLOBEX, true), "DELETE FROM notes; COMMIT"))
                .isInstanceOf(ConsoleRefused.class).hasMessageContaining("COMMIT");
        assertThat(column(console.run(ConsoleCaller.operator(null), "SELECT count(*) FROM notes WHERE id = 2"), 0))
                .containsExactly("1");
        assertThat(console.audit().list(caller(GLOBEX, true), null, 5)).first()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("refused"));
    }

    @Test
    void aTextWithAnUnpairedSurrogateIsRefusedBeforeAnythingRuns() {
        // The driver would have sent '?' for it: the row would have been written with another value.
        for (String sql : List.of("INSERT INTO notes VALUES (90, 'globex', 'a\ud800')", "SELECT \ud800\u0080",
                "SELECT '\udc00'", "SELECT 'x' AS \"\ud83d\"")) {
            assertThatThrownBy(() -> console.run(caller(GLOBEX, true), sql))
                    .isInstanceOf(ConsoleRefused.class).hasMessageContaining("unpaired UTF-16 surrogate");
        }
        assertThat(column(console.run(ConsoleCaller.operator(null), "SELECT count(*) FROM notes WHERE id = 90"), 0))
                .containsExactly("0");
        // A pair is one character, and runs.
        assertThat(column(console.run(caller(GLOBEX, false), "SELECT '\ud83d\ude00' AS face"), 0)).containsExactly("\ud83d\ude00");
    }

    @Test
    void aStatementIsStoppedAtTheTimeoutEvenIfItLiftsIt() {
        ConsoleRun run = console.run(caller(ACME, false), "SET statement_timeout = 0; SELECT pg_sleep(30)");
        assertThat(run.failure().error()).startsWith("57014");
        assertThat(run.failure().durationMs()).isLessThan(10_000);
    }

    @Test
    void rowsBeyondTheLimitAreCutAndSaidSo() {
        ConsoleRun run = console.run(ConsoleCaller.operator(null), "SELECT g FROM generate_series(1, 10) g");
        assertThat(run.statements().get(0).rows()).hasSize(3);
        assertThat(run.statements().get(0).truncated()).isTrue();
    }

    @Test
    void theAuditListOfATenantHoldsOnlyItsOwnEntries() throws Exception {
        console.run(caller(ACME, false), "SELECT 'acme was here'");
        console.run(caller(GLOBEX, false), "SELECT 'globex was here'");
        assertThat(console.audit().list(caller(ACME, false), null, 1000)).extracting(AuditEntry::tenantId)
                .containsOnly(ACME.tenantId());
        assertThat(console.audit().list(ConsoleCaller.operator(null), null, 1000)).extracting(AuditEntry::tenantId)
                .contains(ACME.tenantId(), GLOBEX.tenantId());
    }
}
