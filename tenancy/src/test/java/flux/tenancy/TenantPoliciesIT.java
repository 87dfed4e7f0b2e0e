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
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RLS isolation checked with raw SQL on a connection that switched to the runtime role, the
 * way the engine's transactions run: no WHERE clause of ours protects anything here.
 */
@ExtendWith(FluxTestInfra.class)
class TenantPoliciesIT {
    private final TestPostgres db;

    TenantPoliciesIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("tenant_policies");
        DataSource ds = db.dataSource();
        TenancyDatabase.install(ds);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
            st.execute("CREATE TABLE plain (id int PRIMARY KEY)");
            st.execute("INSERT INTO notes VALUES (1, 'acme', 'a1'), (2, 'acme', 'a2'), (3, 'globex', 'g1')");
            TenantPolicies.installRuntimeRole(c);
            assertThat(TenantPolicies.isolateAll(c)).containsExactly("public.notes");
        }
    }

    private List<String> bodies(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Connection asTenant(String tenant) throws SQLException {
        Connection c = db.connect();
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement(
                "SELECT set_config('role', ?, true), set_config('flux.tenant_id', ?, true)")) {
            st.setString(1, TenantPolicies.RUNTIME_ROLE);
            st.setString(2, tenant);
            st.execute();
        }
        return c;
    }

    @Test
    void aTenantSeesAndChangesOnlyItsOwnRowsWhateverTheSqlSays() throws Exception {
        try (Connection c = asTenant("acme")) {
            assertThat(bodies(c, "SELECT body FROM notes ORDER BY id")).containsExactly("a1", "a2");
            assertThat(bodies(c, "SELECT body FROM notes WHERE tenant_id = 'globex' OR id IN (1, 3)"))
                    .containsExactly("a1");
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("UPDATE notes SET body = 'x'")).isEqualTo(2);
                assertThat(st.executeUpdate("DELETE FROM notes WHERE id = 3")).isZero();
            }
            c.rollback();
        }
    }

    @Test
    void writingARowForAnotherTenantIsRefused() throws Exception {
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("INSERT INTO notes VALUES (9, 'globex', 'sneaky')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
            c.rollback();
        }
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("UPDATE notes SET tenant_id = 'globex' WHERE id = 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
            c.rollback();
        }
    }

    @Test
    void anEmptyOrMissingTenantSettingSeesNothing() throws Exception {
        try (Connection c = asTenant("")) {
            assertThat(bodies(c, "SELECT body FROM notes")).isEmpty();
            c.rollback();
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('role', 'flux_runtime', true)");
            }
            assertThat(bodies(c, "SELECT body FROM notes")).isEmpty();
            c.rollback();
        }
    }

    @Test
    void theSettingEndsWithTheTransactionSoAPooledConnectionDoesNotCarryATenantOver() throws Exception {
        try (Connection c = asTenant("globex")) {
            assertThat(bodies(c, "SELECT body FROM notes")).containsExactly("g1");
            c.commit();
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('role', 'flux_runtime', true)");
            }
            assertThat(bodies(c, "SELECT body FROM notes")).isEmpty();
            c.rollback();
        }
    }

    @Test
    void theRuntimeRoleOwnsNothingCannotBypassAndMayOnlyAppendToTheMutationLog() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles"
                    + " WHERE rolname = 'flux_runtime'")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
                assertThat(rs.getBoolean(2)).isFalse();
                assertThat(rs.getBoolean(3)).isFalse();
            }
            assertThat(bodies(c, "SELECT count(*) FROM pg_class WHERE relowner = 'flux_runtime'::regrole"))
                    .containsExactly("0");
        }
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("DELETE FROM flux.state_mutations"))
                    .hasMessageContaining("permission denied");
            c.rollback();
        }
        try (Connection c = asTenant("acme"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("SELECT * FROM plain")).hasMessageContaining("permission denied");
            c.rollback();
        }
    }
}
