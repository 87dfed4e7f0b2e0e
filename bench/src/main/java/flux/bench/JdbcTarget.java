package flux.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;

/**
 * (a) and (b): plain JDBC autocommit statements, one per write, as an application without
 * Flux would write; (b) is the same against a table with the classic audit trigger.
 */
final class JdbcTarget implements WriteTarget {
    private final DataSource dataSource;
    private final String insertSql;
    private final String updateSql;

    JdbcTarget(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.insertSql = "INSERT INTO " + table + " (id, name, amount) VALUES (?, ?, ?)";
        this.updateSql = "UPDATE " + table + " SET amount = ? WHERE id = ?";
    }

    @Override
    public void insert(long id) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insertSql)) {
            ps.setLong(1, id);
            ps.setString(2, "row " + id);
            ps.setBigDecimal(3, BigDecimal.valueOf(id % 10_000, 2));
            ps.executeUpdate();
        }
    }

    @Override
    public void update(long id, long value) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(updateSql)) {
            ps.setBigDecimal(1, BigDecimal.valueOf(value % 10_000, 2));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }
}
