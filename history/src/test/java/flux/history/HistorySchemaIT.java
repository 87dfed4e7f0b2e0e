package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The schemas are installed on every server start, while other servers may be writing. */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistorySchemaIT {
    private final HistoryDatabase db;

    HistorySchemaIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "history_schema", "CREATE TABLE users (id int PRIMARY KEY)");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void installingAgainDoesNotWaitForAnOpenWriteOfTheLog() throws Exception {
        try (OpenRequest open = OpenRequest.start(db.engine, "open",
                db.insertQuery(Row.of("users", "{\"id\": 1}"), "{\"id\": 1}"))) {
            // A lock on the log (CREATE INDEX IF NOT EXISTS takes one even when the index exists)
            // would wait for this transaction, and hold off every new writer meanwhile.
            CompletableFuture<Void> install = CompletableFuture.runAsync(() -> HistorySchema.install(db.dataSource));
            await("the install finishes or waits for a lock").atMost(Duration.ofMinutes(2))
                    .until(() -> install.isDone() || sessionsWaitingForALock() > 0);
            assertThat(sessionsWaitingForALock()).as("sessions waiting for a lock").isZero();
            assertThat(install).as("installed while the write is open").succeedsWithin(Duration.ZERO);
            open.commit();
        }
    }

    private long sessionsWaitingForALock() throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
