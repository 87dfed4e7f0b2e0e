package flux.migrate;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Turns JDBC errors into one-line text: "42P01 relation \"nope\" does not exist". */
final class SqlErrors {
    private SqlErrors() {
    }

    static String describe(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState() + " ";
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String message = server != null && server.getMessage() != null ? server.getMessage() : firstLine(e.getMessage());
        if (server != null && server.getDetail() != null) {
            message += " (" + firstLine(server.getDetail()) + ")";
        }
        return state + message;
    }

    /** 1-based character position of the error inside the statement, 0 when Postgres gave none. */
    static int position(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        return server == null ? 0 : server.getPosition();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }
}
