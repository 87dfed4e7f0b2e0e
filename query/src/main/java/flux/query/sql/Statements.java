package flux.query.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Binds {@link SqlStatement} parameters: text, text[], bigint or NULL (typed as text, cast by the SQL). */
public final class Statements {
    private Statements() {
    }

    /** Binds {@code params} from position {@code first}; returns the next free position. */
    public static int bind(Connection connection, PreparedStatement ps, int first, List<Object> params)
            throws SQLException {
        int i = first;
        for (Object p : params) {
            if (p == null) {
                ps.setNull(i, Types.VARCHAR);
            } else if (p instanceof String s) {
                ps.setString(i, s);
            } else if (p instanceof String[] array) {
                ps.setArray(i, connection.createArrayOf("text", array));
            } else if (p instanceof Long l) {
                ps.setLong(i, l);
            } else {
                throw new IllegalArgumentException("unsupported parameter type " + p.getClass().getName());
            }
            i++;
        }
        return i;
    }
}
