package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import flux.query.ConstraintViolation;
import flux.query.QueryEngine;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.tenancy.TenantScope.Isolation;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine logged in as a role that is not a superuser and owns the tables it serves, as the
 * README's "Database roles" sets up: FORCE ROW LEVEL SECURITY binds it too, so whatever it
 * reads for a tenant must be read with the tenant's setting. Schema tenants are provisioned
 * by it too (CREATEROLE). Superuser connections only seed and inspect.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnerLoginIT {
    /** Roles are the cluster's, not the database's: created once, reused by later runs. */
    private static final String LOGIN = "flux_it_owner";
    private static final TenantScope ACME = new TenantScope("acme", Isolation.ROW, false);
    private static final TenantScope INITECH = new TenantScope("owner-initech", Isolation.SCHEMA, false);

    private final TestPostgres db;
    private final HikariDataSource owner;
    private final QueryEngine engine;

    OwnerLoginIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("owner_login");
        asSuperuser("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + LOGIN + "') THEN"
                + " CREATE ROLE " + LOGIN + " LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$;"
                + "ALTER ROLE " + LOGIN + " PASSWORD 'owner' CREATEROLE;"
                + "ALTER DATABASE \"" + db.database() + "\" OWNER TO " + LOGIN);
        owner = new HikariDataSource();
        owner.setJdbcUrl(db.jdbcUrl());
        owner.setUsername(LOGIN);
        owner.setPassword("owner");
        // One connection: what the recording leaves on it is what the next request gets.
        owner.setMaximumPoolSize(1);
        TenancyDatabase.install(owner);
        asOwner("""
                CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, qty int NOT NULL CHECK (qty >= 0));
                CREATE TABLE lines (id int PRIMARY KEY, tenant_id text NOT NULL, note_id int REFERENCES notes)""");
        // Creating flux_runtime needs CREATEROLE, granting it needs its admin: the superuser's part.
        try (Connection c = db.connect()) {
            TenantPolicies.installRuntimeRole(c);
        }
        asSuperuser("GRANT " + TenantPolicies.RUNTIME_ROLE + " TO " + LOGIN);
        try (Connection c = owner.getConnection()) {
            assertThat(TenantPolicies.isolateAll(c)).containsExactly("public.lines", "public.notes");
        }
        try (Connection c = owner.getConnection()) {
            TenantSchemas.provision(c, INITECH.tenantId());
        }
        asOwner("CREATE TABLE t_owner_initech_api.items (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0))");
        engine = new QueryEngine(owner);
    }

    @AfterAll
    void close() {
        owner.close();
    }

    @BeforeEach
    void seed() throws SQLException {
        asSuperuser("TRUNCATE notes, lines, t_owner_initech_api.items, flux.state_mutations;"
                + "INSERT INTO t_owner_initech_api.items VALUES (1, 5);"
                + "INSERT INTO notes VALUES (1, 'acme', 5), (2, 'globex', 5);"
                + "INSERT INTO lines VALUES (1, 'acme', 1)");
    }

    @Test
    void aTenantsFailedUpdateIsRecordedWithTheRowItTargeted() throws SQLException {
        assertThatThrownBy(() -> engine.query(RequestId.of("neg"), null, ACME,
                Query.update("notes").set(Map.of("qty", -1)).where("id", Op.EQ, 1).build()))
                .isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.sqlState()).isEqualTo("23514"));
        assertThat(records("neg")).containsExactly(List.of("UPDATE", "1", "{\"id\": 1, \"qty\": 5, \"tenant_id\": \"acme\"}",
                "{\"id\": 1, \"qty\": -1, \"tenant_id\": \"acme\"}", "{qty}", "rolled_back", "acme",
                "23514: new row for relation \"notes\" violates check constraint \"notes_qty_check\""));
    }

    @Test
    void aTenantsFailedDeleteIsRecordedWithTheRowItTargeted() throws SQLException {
        assertThatThrownBy(() -> engine.query(RequestId.of("fk"), null, ACME,
                Query.delete("notes").where("id", Op.EQ, 1).build()))
                .isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.sqlState()).isEqualTo("23503"));
        List<List<String>> records = records("fk");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).subList(0, 7)).containsExactly("DELETE", "1",
                "{\"id\": 1, \"qty\": 5, \"tenant_id\": \"acme\"}", null, null, "rolled_back", "acme");
        assertThat(records.get(0).get(7)).startsWith("23503: update or delete on table \"notes\"");
    }

    @Test
    void aSchemaTenantsFailedUpdateIsRecordedWithTheRowItTargeted() throws SQLException {
        assertThatThrownBy(() -> engine.query(RequestId.of("neg-schema"), null, INITECH,
                Query.update("items").set(Map.of("qty", -1)).where("id", Op.EQ, 1).build()))
                .isInstanceOf(ConstraintViolation.class);
        List<List<String>> records = records("neg-schema");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).subList(0, 7)).containsExactly("UPDATE", "1", "{\"id\": 1, \"qty\": 5}",
                "{\"id\": 1, \"qty\": -1}", "{qty}", "rolled_back", "owner-initech");
    }

    @Test
    void theRereadLeavesTheConnectionAsTheLoginRoleWithoutATenant() throws SQLException {
        assertThatThrownBy(() -> engine.query(RequestId.of("neg"), null, ACME,
                Query.update("notes").set(Map.of("qty", -1)).where("id", Op.EQ, 1).build()))
                .isInstanceOf(ConstraintViolation.class);
        try (Connection c = owner.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT current_user, current_setting('flux.tenant_id', true),"
                     + " current_setting('transaction_read_only'), (SELECT count(*) FROM notes)")) {
            rs.next();
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(LOGIN);
            assertThat(rs.getString(2)).isNullOrEmpty();
            assertThat(rs.getString(3)).isEqualTo("off");
            assertThat(rs.getInt(4)).as("FORCE ROW LEVEL SECURITY: no tenant, no rows").isZero();
        }
    }

    /** The log's records of one request, read past row-level security. */
    private List<List<String>> records(String requestId) throws SQLException {
        try (Connection c = db.connect(); var ps = c.prepareStatement("""
                SELECT operation, row_id, old::text, new::text, changed_columns::text, status, tenant_id, error
                  FROM flux.state_mutations WHERE request_id = ? ORDER BY id""")) {
            ps.setString(1, requestId);
            try (var rs = ps.executeQuery()) {
                List<List<String>> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    List<String> row = new java.util.ArrayList<>();
                    for (int i = 1; i <= 8; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    private void asSuperuser(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void asOwner(String sql) throws SQLException {
        try (Connection c = owner.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
