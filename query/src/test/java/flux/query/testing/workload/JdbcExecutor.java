package flux.query.testing.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Applies raw steps with plain SQL, bypassing the API: no request tag, no mutation record. The
 * outcome carries the transaction's id, which names capture's records ({@code wal:<txid>}).
 */
public final class JdbcExecutor implements Workload.Executor {
    private final DataSource dataSource;
    private final String table;

    /** {@code table}: the workload table in the search path (a plain name, quoted here). */
    public JdbcExecutor(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = "\"" + table.replace("\"", "\"\"") + "\"";
    }

    @Override
    public Outcome apply(Step step) {
        Step.Raw raw = (Step.Raw) step;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Write w : raw.writes()) {
                    execute(c, w);
                }
                String txid = txid(c);
                if (raw.rollback()) {
                    c.rollback();
                    return new Outcome(step, false, txid, null);
                }
                c.commit();
                return new Outcome(step, true, txid, null);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("raw step " + raw + " failed: " + e.getMessage(), e);
        }
    }

    private void execute(Connection c, Write w) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql;
        if (w instanceof Write.Insert insert) {
            params.add(insert.id());
            StringBuilder columns = new StringBuilder("id");
            StringBuilder values = new StringBuilder("?");
            for (Map.Entry<String, Object> e : insert.values().entrySet()) {
                columns.append(", ").append(column(e.getKey()));
                values.append(", ?");
                params.add(e.getValue());
            }
            sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
        } else if (w instanceof Write.Update update) {
            sql = "UPDATE " + table + " SET " + assignments(update.changes(), params) + " WHERE id = ?";
            params.add(update.id());
        } else if (w instanceof Write.UpdateRange range) {
            sql = "UPDATE " + table + " SET " + assignments(range.changes(), params) + " WHERE id BETWEEN ? AND ?";
            params.add(range.from());
            params.add(range.to());
        } else {
            sql = "DELETE FROM " + table + " WHERE id = ?";
            params.add(((Write.Delete) w).id());
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            ps.executeUpdate();
        }
    }

    private static String assignments(Map<String, Object> changes, List<Object> params) {
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            set.add(column(e.getKey()) + " = ?");
            params.add(e.getValue());
        }
        return String.join(", ", set);
    }

    private static String column(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String txid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_current_xact_id()::text");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
