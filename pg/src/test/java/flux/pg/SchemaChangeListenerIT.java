package flux.pg;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class SchemaChangeListenerIT {
    private static final String APP = "flux-listener-it";
    private final TestPostgres db;

    SchemaChangeListenerIT(TestPostgres pg) {
        this.db = pg.newDatabase("schema_change_listener");
    }

    @Test
    void aCommittedNotificationRunsTheCallbackAndARolledBackOneDoesNot() throws SQLException {
        AtomicInteger changes = new AtomicInteger();
        try (SchemaChangeListener ignored = listener(changes).start(); Connection c = db.connect()) {
            awaitListening();
            Transactions.rollBackAfter(c, x -> {
                SchemaChanges.notify(x, "rolled back");
                return null;
            });
            Transactions.run(c, x -> SchemaChanges.notify(x, "apply 001_a.sql"));

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1);
        }
    }

    @Test
    void afterALostConnectionItListensAgainAndCatchesUpOnce() throws SQLException {
        AtomicInteger changes = new AtomicInteger();
        try (SchemaChangeListener ignored = listener(changes).start(); Connection c = db.connect()) {
            awaitListening();
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + APP + "'");
            }

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1);
            awaitListening();
        }
    }

    private SchemaChangeListener listener(AtomicInteger changes) {
        return new SchemaChangeListener("counting", "flux-test-listener", () -> {
            Connection c = db.connect();
            c.setClientInfo("ApplicationName", APP);
            return c;
        }, changes::incrementAndGet);
    }

    private void awaitListening() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + APP
                         + "' AND query = '" + SchemaChanges.LISTEN + "'")) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
    }
}
