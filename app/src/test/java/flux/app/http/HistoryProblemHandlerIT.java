package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import flux.dev.Ports;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.History;
import flux.history.HistoryException;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** History's database failures as problems: 503 when the database is not reached, 500 when it fails the read. */
@ExtendWith(FluxTestInfra.class)
class HistoryProblemHandlerIT {

    @Test
    void anUnreachableDatabaseIsServiceUnavailable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:" + Ports.findFree() + "/flux");
        nowhere.setConnectTimeout(2);
        HistoryException e = catchThrowableOfType(() -> new History(nowhere).blame("users", "42"),
                HistoryException.class);

        Problem problem = HistoryProblemHandler.problem(e);

        assertThat(problem.status()).isEqualTo(503);
        assertThat(problem.type()).isEqualTo(Problem.TYPE_BASE + "database-unavailable");
        assertThat(problem.detail()).doesNotContain("127.0.0.1");
    }

    @Test
    void aReadTheDatabaseFailsIsAServerError(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase("history_problems");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id int PRIMARY KEY)");
        }
        HistoryException e = catchThrowableOfType(() -> new History(db.dataSource()).blame("users", "1"),
                HistoryException.class);

        Problem problem = HistoryProblemHandler.problem(e);

        assertThat(problem.status()).isEqualTo(500);
        assertThat(problem.type()).isEqualTo(Problem.TYPE_BASE + "database-error");
        assertThat(problem.detail()).contains("SQLSTATE 42P01").doesNotContain("row_blame");
    }
}
