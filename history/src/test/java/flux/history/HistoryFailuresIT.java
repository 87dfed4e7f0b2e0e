package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.Ports;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** History's front door throws nothing checked: a failing database is a {@link HistoryException.DatabaseFailure}. */
@ExtendWith(FluxTestInfra.class)
class HistoryFailuresIT {
    private final TestPostgres pg;

    HistoryFailuresIT(TestPostgres pg) {
        this.pg = pg;
    }

    @Test
    void aDatabaseThatCannotBeReachedIsAFailureOfConnectionClass() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:" + Ports.findFree() + "/flux");
        nowhere.setConnectTimeout(2);

        assertThatThrownBy(() -> new History(nowhere).blame("users", "42"))
                .isInstanceOfSatisfying(HistoryException.DatabaseFailure.class,
                        e -> assertThat(e.sqlState()).startsWith("08"))
                .hasMessageStartingWith("database failure reading the blame of users row 42: ");
    }

    @Test
    void aReadTheDatabaseRefusesKeepsItsSqlState() throws SQLException {
        TestPostgres db = pg.newDatabase("history_without_log");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id int PRIMARY KEY)");
        }

        assertThatThrownBy(() -> new History(db.dataSource()).history("users", "1", PageRequest.newestFirst(10)))
                .isInstanceOfSatisfying(HistoryException.DatabaseFailure.class,
                        e -> assertThat(e.sqlState()).isEqualTo("42P01"))
                .hasCauseInstanceOf(SQLException.class); // the log's read failed: its SQLException, not the wrapper
    }
}
