package flux.app.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import flux.app.tenancy.TenantConnections;
import flux.capture.TopicReader;
import flux.capture.testing.RunningCapture;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.history.BlameFolder;
import flux.history.HistorySchema;
import flux.log.TenantHistory;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.IssuedKey;
import flux.tenancy.Role;
import flux.tenancy.TenantRemoval;
import flux.tenancy.TenantScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A schema tenant's own login, used through the connection string it is given, as the tenant's
 * code would: what PostgreSQL lets it do and refuses, its password and connection limit, and
 * deletion as a tombstone (the raw write's tenant in history and on Kafka, and the CLI and admin
 * API: SchemaTenantRawWriteIT, whose server and capture run anyway), and purge, of a row tenant
 * too, while a real capture streams the database. The test server trusts local logins, so the tenant logins are made to
 * authenticate with SCRAM by a pg_hba line for their group (restored afterwards), as docs/tenancy.md
 * tells operators to do.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantLoginIT {
    private final TestRecords records;
    private final TestKafka kafka;
    private final TestPostgres db;
    private final TenantAdministration tenants;
    private final TenantLifecycle lifecycle;
    private final Path hbaFile;
    private final String hbaBefore;

    TenantLoginIT(TestPostgres pg, TestKafka kafka) throws Exception {
        this.kafka = kafka;
        records = TestRecords.start(pg, "tenant_login");
        db = records.db();
        tenants = records.context().get(TenantAdministration.class);
        lifecycle = records.context().get(TenantLifecycle.class);
        HistorySchema.install(db.dataSource()); // as the server does: purge removes blame summaries too
        db.execute("CREATE TABLE IF NOT EXISTS public.shared (id int PRIMARY KEY)");
        tenants.provision(AuditLog.CLI, "login-acme", TenantScope.Isolation.SCHEMA, null);
        tenants.provision(AuditLog.CLI, "login-globex", TenantScope.Isolation.SCHEMA, null);
        // As `flux db migrate --tenant` would: tables owned by Flux's login role.
        db.execute("CREATE TABLE t_login_acme_api.items (id int PRIMARY KEY, name text);"
                + " CREATE TABLE t_login_globex_api.secrets (id int PRIMARY KEY, secret text);"
                + " INSERT INTO t_login_globex_api.secrets VALUES (1, 'globex only');"
                + " CREATE FUNCTION t_login_globex_api.peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER"
                + "   AS 'SELECT count(*) FROM t_login_globex_api.secrets'");
        // The embedded server's file is on this machine; a container's is not (then passwords go unchecked).
        Path hba = Path.of(db.one("SHOW hba_file"));
        hbaFile = Files.isWritable(hba) ? hba : null;
        hbaBefore = hbaFile == null ? null : Files.readString(hbaFile);
        if (hbaFile != null) {
            // Flux's own login first: it is a member of every tenant login, so the group line would match it too.
            Files.writeString(hbaFile, "host all " + db.user() + " 127.0.0.1/32 trust\n"
                    + "host all +flux_tenant_login 127.0.0.1/32 scram-sha-256\n" + hbaBefore);
            db.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    void close() throws Exception {
        if (hbaFile != null) {
            Files.writeString(hbaFile, hbaBefore);
            db.execute("SELECT pg_reload_conf()");
        }
        records.close();
    }

    private static Connection connect(String connectionString) throws SQLException {
        return TenantConnections.open(connectionString);
    }

    private static String withPassword(String connectionString, String password) {
        return connectionString.replaceFirst("://([^:@]+)(:[^@]*)?@", "://$1:" + password + "@");
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void theLoginWorksInItsOwnSchemaAndEveryEscapeIsRefusedByPostgres() throws Exception {
        TenantLifecycle.Credentials creds = lifecycle.credentials(AuditLog.CLI, "login-acme", false, null, null);
        assertThat(creds.connectionString()).startsWith("postgresql://tl_login_acme:" + creds.password() + "@")
                .endsWith("?options=-c%20search_path%3Dt_login_acme_api%2Cflux_extensions");
        assertThat(creds.connectionLimit()).isEqualTo(10);
        assertThat(db.one("SELECT rolpassword FROM pg_authid WHERE rolname = 'tl_login_acme'")).startsWith("SCRAM-SHA-256$");

        try (Connection c = connect(creds.connectionString()); Statement st = c.createStatement()) {
            assertThat(one(st, "SELECT current_user")).isEqualTo("tl_login_acme");
            // its own migrations: tables, sequences, views; and the tables Flux's migrations made
            st.execute("CREATE TABLE notes (id serial PRIMARY KEY, body citext)");
            st.execute("CREATE VIEW note_bodies AS SELECT body FROM notes");
            st.execute("INSERT INTO notes (body) VALUES ('Hello'); INSERT INTO items VALUES (1, 'first')");
            assertThat(one(st, "SELECT count(*) FROM note_bodies WHERE body = 'HELLO'")).isEqualTo("1");
            // allowed extensions: present already, so an ORM's IF NOT EXISTS passes; others are refused
            st.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
            assertThat(one(st, "SELECT encode(digest('x', 'sha256'), 'hex')")).hasSize(64);
            assertRefused(st, "CREATE EXTENSION hstore", "permission denied to create extension \"hstore\"");

            assertRefused(st, "SELECT * FROM t_login_globex_api.secrets", "permission denied for schema t_login_globex_api");
            assertRefused(st, "SELECT t_login_globex_api.peek()", "permission denied for schema t_login_globex_api");
            c.setAutoCommit(false); // what pg_dump does first, in its transaction
            assertRefused(st, "LOCK TABLE t_login_globex_api.secrets IN ACCESS SHARE MODE", "permission denied for schema");
            c.rollback();
            c.setAutoCommit(true);
            assertRefused(st, "SELECT * FROM flux.state_mutations", "permission denied for schema flux");
            assertRefused(st, "INSERT INTO flux.state_mutations (request_id) VALUES ('forged')", "permission denied for schema flux");
            assertRefused(st, "SELECT * FROM public.shared", "permission denied for table shared");
            assertRefused(st, "CREATE TABLE public.mine (id int)", "permission denied for schema public");
            assertRefused(st, "CREATE SCHEMA elsewhere", "permission denied for database");
            assertRefused(st, "SET ROLE t_login_acme", "permission denied to set role \"t_login_acme\"");
            assertRefused(st, "SET ROLE " + db.user(), "permission denied to set role");
            assertRefused(st, "SET SESSION AUTHORIZATION " + db.user(), "permission denied to set session authorization");
            st.execute("RESET ROLE");
            assertThat(one(st, "SELECT current_user")).isEqualTo("tl_login_acme");
            st.execute("SET search_path = t_login_globex_api, public");
            assertRefused(st, "SELECT * FROM secrets", "relation \"secrets\" does not exist");
        }
        // The API's runtime role reaches what the tenant created itself.
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET ROLE t_login_acme");
            assertThat(one(st, "SELECT count(*) FROM t_login_acme_api.notes")).isEqualTo("1");
        }
        assertThat(AuditRows.of(db, "login-acme")).extracting(AuditRows::action).contains("tenant.login.create");
    }

    private static void assertRefused(Statement st, String sql, String message) {
        assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOf(SQLException.class).hasMessageContaining(message);
    }

    @Test
    void rotationEndsTheOldPasswordAndTheConnectionLimitIsPostgresOwn() throws Exception {
        Assumptions.assumeTrue(hbaFile != null, "pg_hba.conf of the test server is not on this machine");
        tenants.provision(AuditLog.CLI, "login-rot", TenantScope.Isolation.SCHEMA, null);
        TenantLifecycle.Credentials first = lifecycle.credentials(AuditLog.CLI, "login-rot", false, 2, null);
        assertThatThrownBy(() -> connect(withPassword(first.connectionString(), "wrong")).close())
                .hasMessageContaining("password authentication failed for user \"tl_login_rot\"");
        connect(first.connectionString()).close();

        TenantLifecycle.Credentials again = lifecycle.credentials(AuditLog.CLI, "login-rot", false, null, null);
        assertThat(again.password()).isNull();
        assertThat(again.connectionString()).startsWith("postgresql://tl_login_rot@");
        TenantLifecycle.Credentials rotated = lifecycle.credentials(AuditLog.CLI, "login-rot", true, null, null);
        assertThat(rotated.connectionLimit()).isEqualTo(2);
        assertThatThrownBy(() -> connect(first.connectionString()).close())
                .hasMessageContaining("password authentication failed");

        List<Connection> open = new ArrayList<>();
        try {
            open.add(connect(rotated.connectionString()));
            open.add(connect(rotated.connectionString()));
            assertThatThrownBy(() -> connect(rotated.connectionString()).close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("too many connections for role \"tl_login_rot\"")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        assertThat(AuditRows.of(db, "login-rot")).extracting(AuditRows::action)
                .contains("tenant.login.create", "tenant.login.update", "tenant.login.rotate");
    }

    @Test
    void aDeletedTenantStopsAtOnceComesBackOnUndeleteAndIsGoneAfterPurge() throws Exception {
        tenants.provision(AuditLog.CLI, "login-gone", TenantScope.Isolation.SCHEMA, null);
        db.execute("CREATE TABLE t_login_gone_api.items (id int PRIMARY KEY); INSERT INTO t_login_gone_api.items VALUES (7)");
        KeyAdministration keys = records.context().get(KeyAdministration.class);
        IssuedKey key = keys.create(AuditLog.CLI, "login-gone", Role.READ_WRITE, null);
        TenantLifecycle.Credentials creds = lifecycle.credentials(AuditLog.CLI, "login-gone", false, null, null);
        Connection session = connect(creds.connectionString());

        lifecycle.delete(AuditLog.CLI, "login-gone", null);
        assertThat(records.context().get(ApiKeyStore.class).authenticate(key.token())).isEmpty();
        Awaitility.await("the open session is ended").atMost(Duration.ofSeconds(10))
                .until(() -> !session.isValid(1));
        session.close();
        assertThatThrownBy(() -> connect(creds.connectionString()).close())
                .hasMessageContaining("not permitted to log in");
        assertThat(asRuntimeRole("login-gone")).contains("permission denied for schema t_login_gone_api");
        assertThatThrownBy(() -> keys.create(AuditLog.CLI, "login-gone", Role.READ_ONLY, null))
                .hasMessageContaining("tenant login-gone is deleted");
        assertThat(db.one("SELECT count(*) FROM t_login_gone_api.items")).isEqualTo("1"); // the admin still sees it
        assertThat(lifecycle.purge(AuditLog.CLI)).doesNotContain("login-gone"); // 30 days are not up

        lifecycle.undelete(AuditLog.CLI, "login-gone");
        assertThat(asRuntimeRole("login-gone")).isEqualTo("1");
        assertThatThrownBy(() -> connect(creds.connectionString()).close()).hasMessageContaining("not permitted to log in");
        assertThat(records.context().get(ApiKeyStore.class).authenticate(key.token())).isEmpty();
        TenantLifecycle.Credentials renewed = lifecycle.credentials(AuditLog.CLI, "login-gone", true, null, null);
        connect(renewed.connectionString()).close();

        db.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation, new, tenant_id)"
                + " SELECT 'req-gone-' || n, 't_login_gone_api', 'items', n::text, 'INSERT', jsonb_build_object('id', n),"
                + " 'login-gone' FROM generate_series(1, 3) n;"
                + " INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation, tenant_id)"
                + " VALUES ('req-stays', 't_login_acme_api', 'items', '1', 'INSERT', 'login-acme')");
        lifecycle.delete(AuditLog.CLI, "login-gone", Duration.ZERO);
        // A purge cut short after the data and one batch of history: the tombstone stays, expired.
        DataSource dataSource = records.context().get(DataSource.class);
        TenantRemoval.purge(dataSource, "login-gone", TenantScope.Isolation.SCHEMA, 1);
        try (Connection c = db.connect()) {
            assertThat(TenantHistory.purgeBatch(c, "login-gone", 0, 1).deleted()).isEqualTo(1);
        }
        assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'login-gone'")).isEqualTo("2");
        assertThat(db.one("SELECT count(*) FROM flux.tenants WHERE id = 'login-gone'")).isEqualTo("1");
        assertThat(lifecycle.purge(AuditLog.CLI)).contains("login-gone"); // the next purge finishes it
        assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'login-gone'")).isEqualTo("0");
        assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE request_id = 'req-stays'")).isNotEqualTo("0");
        assertThat(db.one("SELECT detail->>'deleted_records' FROM flux.audit_log WHERE action = 'tenant.purge'"
                + " AND tenant_id = 'login-gone' ORDER BY id DESC LIMIT 1")).isEqualTo("2");
        assertThat(db.one("SELECT count(*) FROM pg_namespace WHERE nspname = 't_login_gone_api'")).isEqualTo("0");
        assertThat(db.one("SELECT count(*) FROM pg_roles WHERE rolname IN ('t_login_gone', 'tl_login_gone')")).isEqualTo("0");
        assertThat(db.one("SELECT count(*) FROM flux.api_keys WHERE tenant_id = 'login-gone'")).isEqualTo("0");
        assertThat(db.one("SELECT count(*) FROM flux.tenants WHERE id = 'login-gone'")).isEqualTo("0");
        assertThat(AuditRows.of(db, "login-gone")).extracting(AuditRows::action)
                .contains("tenant.delete", "tenant.undelete", "tenant.login.rotate", "tenant.purge");
    }

    @Test
    void aRowTenantsPurgeDropsItsRowsOnly() throws Exception {
        db.execute("CREATE TABLE public.orders (id int PRIMARY KEY, tenant_id text NOT NULL)");
        tenants.provision(AuditLog.CLI, "login-row-a", TenantScope.Isolation.ROW, null);
        db.execute("INSERT INTO public.orders VALUES (1, 'login-row-a'), (2, 'login-row-b'), (3, 'login-row-a'),"
                + " (4, 'login-row-a')");
        assertThatThrownBy(() -> lifecycle.credentials(AuditLog.CLI, "login-row-a", false, null, null))
                .hasMessageContaining("is row-level");
        assertThatThrownBy(() -> lifecycle.delete(AuditLog.CLI, "login-nobody", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tenant login-nobody");
        lifecycle.delete(AuditLog.CLI, "login-row-a", Duration.ZERO);
        // batches of 2 rows, as a purge with flux.tenancy.purge-batch=2 deletes them; then the purge itself
        TenantRemoval.purge(records.context().get(DataSource.class), "login-row-a", TenantScope.Isolation.ROW, 2);
        assertThat(db.one("SELECT string_agg(tenant_id, ',') FROM public.orders")).isEqualTo("login-row-b");
        assertThat(lifecycle.purge(AuditLog.CLI)).contains("login-row-a");
        assertThat(db.one("SELECT string_agg(tenant_id, ',') FROM public.orders")).isEqualTo("login-row-b");
    }

    /**
     * A row tenant purged while a real capture streams the database, and reads the purge's row
     * deletions (raw SQL to it) only after the purge removed the tenant's history: here capture is
     * held up on purpose, by a lock on a table only its record writes read, so it is behind as a
     * busy or stopped capture would be. Nothing of the tenant may come back in the log or in
     * history's blame summary, and Kafka consumers get the deletions, with the tenant and the
     * purge's request id.
     */
    @Test
    void aRowTenantPurgedBehindCapturesBackLeavesNoHistoryAndReachesKafkaAsDeletes() throws Exception {
        DataSource dataSource = records.context().get(DataSource.class);
        db.execute("CREATE TABLE public.purge_orders (id int PRIMARY KEY, tenant_id text NOT NULL, item text)");
        tenants.provision(AuditLog.CLI, "purge-a", TenantScope.Isolation.ROW, null);
        tenants.provision(AuditLog.CLI, "purge-b", TenantScope.Isolation.ROW, null);
        try (RunningCapture capture = RunningCapture.start(db, kafka);
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public.purge_orders")) {
            // rows 1, 2 and 4 get 16 records each, so the folder makes them summaries (BlameFolder.SUMMARY_AFTER)
            rawSql("purge-a", "INSERT INTO purge_orders VALUES (1, 'purge-a', 'one'), (2, 'purge-a', 'two'),"
                    + " (3, 'purge-a', 'three')" + "; UPDATE purge_orders SET item = item || '!' WHERE id IN (1, 2)".repeat(15));
            rawSql("purge-b", "INSERT INTO purge_orders VALUES (4, 'purge-b', 'four')"
                    + "; UPDATE purge_orders SET item = item || '!' WHERE id = 4".repeat(15));
            capture.awaitCaughtUp();
            BlameFolder folder = new BlameFolder(dataSource);
            await("blame folded").atMost(Duration.ofSeconds(30)).until(() -> {
                folder.foldOnce();
                return db.one("SELECT count(*) FROM flux.row_blame WHERE table_name = 'purge_orders'").equals("3");
            });
            assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'purge-a'")).isEqualTo("33");

            lifecycle.delete(AuditLog.CLI, "purge-a", Duration.ZERO);
            try (Connection holdUp = db.connect(); Statement st = holdUp.createStatement()) {
                holdUp.setAutoCommit(false);
                // capture's record writes read the console's marks first: it waits here, the purge does not
                st.execute("LOCK TABLE flux.console_transactions IN ACCESS EXCLUSIVE MODE");
                assertThat(lifecycle.purge(AuditLog.CLI)).contains("purge-a");
                holdUp.rollback();
            }
            capture.awaitCaughtUp();
            folder.foldOnce();

            assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'purge-a'"
                    + " OR (table_name = 'purge_orders' AND row_id IN ('1', '2', '3'))")).isEqualTo("0");
            assertThat(db.one("SELECT string_agg(row_id, ',') FROM flux.row_blame WHERE table_name = 'purge_orders'"))
                    .isEqualTo("4");
            assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'purge-b'")).isEqualTo("16");
            String requestId = db.one("SELECT detail->>'request_id' FROM flux.audit_log"
                    + " WHERE action = 'tenant.purge' AND target = 'purge-a'");
            assertThat(requestId).startsWith("purge:");
            assertThat(db.one("SELECT detail->>'deleted_records' FROM flux.audit_log"
                    + " WHERE action = 'tenant.purge' AND target = 'purge-a'")).isEqualTo("33");

            // Consumers mirroring the table get the purge: a DELETE per row, the tenant, the purge's request id.
            await("the purge's deletes on Kafka").atMost(Duration.ofSeconds(30)).until(() -> purgeDeletes(reader)
                    .size() == 3);
            assertThat(purgeDeletes(reader)).allSatisfy(m -> {
                assertThat(m.tenantIdHeader()).isEqualTo("purge-a");
                assertThat(m.value().get("request_id").asText()).isEqualTo(requestId);
            });

            // The id used again after the purge is a new tenant's: its writes are recorded as any.
            rawSql("purge-a", "INSERT INTO purge_orders VALUES (5, 'purge-a', 'again')");
            capture.awaitCaughtUp();
            assertThat(db.one("SELECT string_agg(row_id, ',') FROM flux.state_mutations WHERE tenant_id = 'purge-a'"))
                    .isEqualTo("5");
        }
    }

    private static List<TopicReader.Message> purgeDeletes(TopicReader reader) {
        return reader.poll().stream().filter(m -> m.value() != null && "DELETE".equals(m.value().path("op").asText()))
                .toList();
    }

    /** Raw SQL as the tenant's own code might run it, under the row-level policy's setting. */
    private void rawSql(String tenant, String sql) throws Exception {
        db.execute("BEGIN; SELECT set_config('flux.tenant_id', '" + tenant + "', true); " + sql + "; COMMIT");
    }

    /** What the tenant's runtime role (the API's) gets from its schema: a count, or PostgreSQL's refusal. */
    private String asRuntimeRole(String tenant) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET ROLE " + flux.tenancy.TenantSchemas.roleOf(tenant));
            return one(st, "SELECT count(*) FROM " + flux.tenancy.TenantSchemas.schemaOf(tenant) + ".items");
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
