package flux.pg;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class SchemaInstallerIT {
    private static final SchemaScript FIRST = new SchemaScript("first",
            "CREATE SCHEMA IF NOT EXISTS plumbing; CREATE TABLE IF NOT EXISTS plumbing.a (id int PRIMARY KEY);");
    private static final SchemaScript SECOND = new SchemaScript("second",
            "CREATE TABLE IF NOT EXISTS plumbing.b (a int REFERENCES plumbing.a);");
    private final TestPostgres db;

    SchemaInstallerIT(TestPostgres pg) {
        this.db = pg.newDatabase("schema_installer");
    }

    @Test
    void scriptsRunInOrderAndASecondInstallChangesNothing() throws SQLException {
        SchemaInstaller.install(db.dataSource(), FIRST, SECOND);
        SchemaInstaller.install(db.dataSource(), FIRST, SECOND);

        assertThat(one("SELECT count(*) FROM pg_tables WHERE schemaname = 'plumbing'")).isEqualTo("2");
    }

    @Test
    void anInstallWaitsForTheOneUnderWay() throws Exception {
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            LockKeys.SCHEMA_INSTALL.lockForTransaction(holder);
            CompletableFuture<Void> install = CompletableFuture.runAsync(() -> SchemaInstaller.install(db.dataSource(), FIRST));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> one(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
                            + " AND datname = current_database()").equals("1"));
            assertThat(install).isNotDone();
            holder.commit();
            install.get();
        }
        assertThat(one("SELECT to_regclass('plumbing.a') IS NOT NULL")).isEqualTo("t");
    }

    private String one(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
