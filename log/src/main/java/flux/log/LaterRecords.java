package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What changed rows after given places in their timelines: for each row, its committed records
 * placed after the place (commit order, {@link OrderKey}), a key change away from it, and the first
 * TRUNCATE of its table after it, whatever their source. An undo asks this of every row a request
 * touched, to find the later changes it would overwrite. One statement for all the rows: a lateral
 * probe per row of the three indexes a row's timeline reads ({@link RowTimeline}), each a range
 * that starts at the row's place, so the cost follows the rows asked about and what came after
 * them, never the length of their history or of the table's.
 */
public final class LaterRecords {
    private static final String AFTER = "(" + RowTimeline.KEY + ", m.id) > (r.p, r.i)";
    private static final String LATER = """
            SELECT r.ord AS flux_place, :columns FROM
              unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]))
                WITH ORDINALITY AS r(s, t, k, p, i, ord)
              CROSS JOIN LATERAL (
                (SELECT m.* FROM flux.state_mutations m
                  WHERE m.table_schema = r.s AND m.table_name = r.t AND m.row_id = r.k AND m.status = 'committed' AND :after)
                UNION ALL
                (SELECT m.* FROM flux.state_mutations m
                  WHERE m.table_schema = r.s AND m.table_name = r.t AND m.old_row_id = r.k AND m.status = 'committed' AND :after)
                UNION ALL
                (SELECT m.* FROM flux.state_mutations m
                  WHERE m.table_schema = r.s AND m.table_name = r.t AND m.operation = 'TRUNCATE' AND :after
                  ORDER BY :key, m.id LIMIT 1)
              ) m
             ORDER BY r.ord, :key, m.id
            """.replace(":after", AFTER).replace(":key", RowTimeline.KEY).replace(":columns", RecordReader.COLUMNS);

    /** A row of a table, and a place in its timeline (usually its last record in some request). */
    public record RowPlace(String tableSchema, String tableName, String rowId, OrderKey after) {
    }

    private LaterRecords() {
    }

    /** For each of {@code rows}, in the same order, the records after its place, in commit order. */
    public static List<List<MutationRecord>> after(Connection c, List<RowPlace> rows) {
        List<List<MutationRecord>> later = new ArrayList<>(rows.size());
        String[] schemas = new String[rows.size()];
        String[] tables = new String[rows.size()];
        String[] keys = new String[rows.size()];
        Long[] positions = new Long[rows.size()];
        Long[] ids = new Long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            RowPlace row = rows.get(i);
            schemas[i] = row.tableSchema();
            tables[i] = row.tableName();
            keys[i] = row.rowId();
            positions[i] = row.after().position();
            ids[i] = row.after().id();
            later.add(new ArrayList<>());
        }
        if (rows.isEmpty()) {
            return later;
        }
        try (PreparedStatement ps = c.prepareStatement(LATER)) {
            ps.setArray(1, c.createArrayOf("text", schemas));
            ps.setArray(2, c.createArrayOf("text", tables));
            ps.setArray(3, c.createArrayOf("text", keys));
            ps.setArray(4, c.createArrayOf("bigint", positions));
            ps.setArray(5, c.createArrayOf("bigint", ids));
            try (ResultSet rs = ps.executeQuery()) {
                RecordReader reader = new RecordReader(rs);
                int place = rs.findColumn("flux_place");
                while (rs.next()) {
                    later.get((int) rs.getLong(place) - 1).add(reader.read());
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return later;
    }
}
