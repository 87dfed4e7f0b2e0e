package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class TenantSchemasIT {
    private final TestPostgres db;

    TenantSchemasIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("tenant_schemas");
        DataSource ds = db.dataSource();
        TenancyDatabase.install(ds);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            TenantSchemas.provision(c, "acme");
            TenantSchemas.provision(c, "globex");
            TenantSchemas.provision(c, "acme"); // idempotent
            // Migrations run as the owner; the tenant roles get DML through default privileges.
            st.execute("CREATE TABLE t_acme_api.items (id serial PRIMARY KEY, name text)");
            st.execute("CREATE TABLE t_globex_api.items (id serial PRIMARY KEY, name text)");
            st.execute("INSERT INTO t_globex_api.items (name) VALUES ('globex secret')");
        }
    }

    private Connection asTenant(String tenant) throws SQLException {
        Connection c = db.connect();
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement(
                "SELECT set_config('role', ?, true), set_config('search_path', ?, true)")) {
            st.setString(1, TenantSchemas.roleOf(tenant));
            st.setString(2, TenantSchemas.schemaOf(tenant));
            st.execute();
        }
        return c;
    }

    @Test
    void aTenantWritesAndReadsItsOwnSchemaThroughAnUnqualifiedName() throws Exception {
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO items (name) VALUES ('mine')");
            try (ResultSet rs = st.executeQuery("SELECT name FROM items")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("mine");
            }
            c.rollback();
        }
    }

    @Test
    void anotherTenantsSchemaIsOutOfReachQualifiedOrThroughSearchPath() throws Exception {
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM t_globex_api.items"))
                    .hasMessageContaining("permission denied");
            c.rollback();
        }
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            st.execute("SET LOCAL search_path = t_globex_api, public");
            // Without USAGE the schema is skipped: the other tenant's table is simply not there.
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM items"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("relation \"items\" does not exist");
            c.rollback();
        }
    }

    @Test
    void aTenantCannotReadTheFluxSchemaNorCreateOrDropObjects() throws Exception {
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM flux.state_mutations"))
                    .hasMessageContaining("permission denied");
            c.rollback();
        }
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("CREATE TABLE sneaky (id int)")).hasMessageContaining("permission denied");
            c.rollback();
        }
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("DROP TABLE items")).hasMessageContaining("must be owner");
            c.rollback();
        }
    }

    @Test
    void aSchemaTenantsIdMustLeaveItsSchemaNameWhole() throws Exception {
        String longest = "L" + "x".repeat(TenantSchemas.MAX_SCHEMA_TENANT_ID - 1);
        String tooLong = longest + "y";
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            TenantSchemas.provision(c, longest);
            try (ResultSet rs = st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_lxxx%'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(TenantSchemas.schemaOf(longest)).hasSize(63);
            }
            assertThatThrownBy(() -> TenantSchemas.provision(c, tooLong))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 57 characters");
            // nothing was created for the refused id (its cut name would have been the same schema)
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname LIKE 't\\_lxxx%'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void tenantIdsThatAreNotPlainNamesAreRefusedBeforeAnySql() {
        assertThatThrownBy(() -> TenantSchemas.schemaOf("acme\"; DROP SCHEMA flux; --"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TenantSchemas.schemaOf("Big-Co")).isEqualTo("t_big_co_api");
    }
}
