package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import flux.pg.DatabaseException;
import io.micronaut.http.HttpResponse;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DatabaseProblemHandlerTest {
    private final SqlProblemHandler sqlProblems = new SqlProblemHandler();
    private final DatabaseProblemHandler databaseProblems = new DatabaseProblemHandler(sqlProblems);

    @Test
    void aFailureOfTheLogsOrPgsMethodsIsAnsweredAsItsSqlExceptionWouldBe() {
        for (String state : new String[] {"08006", "57014", "40001", "23505", "42P01"}) {
            SQLException failure = new SQLException("failed with " + state, state);
            HttpResponse<Problem> asSql = sqlProblems.handle(null, failure);
            HttpResponse<Problem> asDatabase = databaseProblems.handle(null, new DatabaseException(failure));

            assertThat(asDatabase.code()).as(state).isEqualTo(asSql.code());
            assertThat(asDatabase.getHeaders().asMap()).as(state).isEqualTo(asSql.getHeaders().asMap());
            assertThat(asDatabase.body()).as(state).isEqualTo(asSql.body());
        }
    }
}
