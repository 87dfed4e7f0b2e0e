package flux.history;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        db = new HistoryDatabase(pg, "history_schema");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void installingAgainDoesNotWaitForAnOpenWriteOfTheLog() throws Exception {
        try (Connection writer = db.dataSource.getConnection(); Statement st = writer.createStatement()) {
            writer.setAutoCommit(false);
            st.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation)"
                    + " VALUES ('open', 'public', 'users', '1', 'INSERT')");
            // A lock on the log (CREATE INDEX IF NOT EXISTS takes one even when the index exists)
            // would wait for this transaction, and hold off every new writer meanwhile.
            CompletableFuture<Void> install = CompletableFuture.runAsync(() -> {
                try {
                    HistorySchema.install(db.dataSource);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                install.get(10, TimeUnit.SECONDS);
            } finally {
                writer.rollback();
                install.join();
            }
            assertThat(install).isCompleted();
        }
    }
}
