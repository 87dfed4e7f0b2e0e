package flux.app.records;

import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The audit log as stored, read with SQL of the test's own: what an operator would see with psql. */
record AuditRows(String actor, String tenantId, String action, String target, String detail) {

    static List<AuditRows> of(TestPostgres db, String target) throws SQLException {
        List<AuditRows> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT actor, tenant_id, action, target, detail::text, at"
                     + " FROM flux.audit_log WHERE target = '" + target.replace("'", "''") + "' ORDER BY id")) {
            while (rs.next()) {
                if (rs.getTimestamp("at") == null) {
                    throw new AssertionError("an audit entry without its time");
                }
                rows.add(new AuditRows(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)));
            }
        }
        return rows;
    }

    static long count(TestPostgres db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM flux.audit_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
