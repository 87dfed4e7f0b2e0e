package flux.log;

/**
 * The SQL of one row's timeline: what history shows for a row is more than the records with its
 * {@code row_id}. A key change away from it (an UPDATE whose {@code old_row_id} is the row) ends
 * it, and a TRUNCATE of its table ends it while it existed. Each statement here reads three index
 * ranges, merged in commit order ({@link OrderKey}): the row's own records
 * ({@code state_mutations_row_order_idx}), key changes away from it
 * ({@code state_mutations_key_change_idx}) and its table's TRUNCATEs
 * ({@code state_mutations_truncate_idx}); the last two are partial indexes, a few entries at most.
 *
 * <p>Texts are built once from fragments; {@code :own}, {@code :moved} and {@code :table} stand for
 * the row conditions, which bind {@code (schema, table, row_id[, tenant])} or
 * {@code (schema, table[, tenant])} ({@link RowRecords} binds them in text order).
 */
final class RowTimeline {
    static final String KEY = "coalesce(m.placed_after, m.id)";
    /** The three sources of a row's timeline, in the order their conditions appear. */
    static final String OWN = "m.table_schema = ? AND m.table_name = ? AND m.row_id = ?";
    static final String MOVED = "m.table_schema = ? AND m.table_name = ? AND m.old_row_id = ? AND m.status = 'committed'";
    static final String TABLE = "m.table_schema = ? AND m.table_name = ? AND m.operation = 'TRUNCATE'";
    private static final String TENANT = " AND m.tenant_id = ?";

    /**
     * Whether the row existed just before TRUNCATE {@code m}, so the TRUNCATE belongs in its
     * timeline: its latest committed record before it is an INSERT or UPDATE into the row, and
     * neither a key change away nor another TRUNCATE came between. Binds the row id, the tenant
     * (when there is one), the row id.
     */
    private static final String EXISTED = """
             AND EXISTS (SELECT 1 FROM (
                    SELECT e.operation, coalesce(e.placed_after, e.id) AS p, e.id FROM flux.state_mutations e
                     WHERE e.table_schema = m.table_schema AND e.table_name = m.table_name AND e.row_id = ?:tenant
                       AND e.status = 'committed' AND (coalesce(e.placed_after, e.id), e.id) < (coalesce(m.placed_after, m.id), m.id)
                     ORDER BY coalesce(e.placed_after, e.id) DESC, e.id DESC LIMIT 1) last
                 WHERE last.operation IN ('INSERT', 'UPDATE')
                   AND NOT EXISTS (SELECT 1 FROM flux.state_mutations o
                        WHERE o.table_schema = m.table_schema AND o.table_name = m.table_name AND o.old_row_id = ?
                          AND o.status = 'committed' AND (coalesce(o.placed_after, o.id), o.id) > (last.p, last.id)
                          AND (coalesce(o.placed_after, o.id), o.id) < (coalesce(m.placed_after, m.id), m.id))
                   AND NOT EXISTS (SELECT 1 FROM flux.state_mutations x
                        WHERE x.table_schema = m.table_schema AND x.table_name = m.table_name AND x.operation = 'TRUNCATE'
                          AND (coalesce(x.placed_after, x.id), x.id) > (last.p, last.id)
                          AND (coalesce(x.placed_after, x.id), x.id) < (coalesce(m.placed_after, m.id), m.id)))""";

    private RowTimeline() {
    }

    /** {@code text} with the row conditions of a reader with a tenant ({@code ofTenant}) or of every tenant. */
    static String conditions(String text, boolean ofTenant) {
        String tenant = ofTenant ? TENANT : "";
        return text.replace(":own", OWN + tenant).replace(":moved", MOVED + tenant).replace(":table", TABLE + tenant)
                .replace(":existed", "\n" + EXISTED.replace(":tenant", ofTenant ? " AND e.tenant_id = ?" : ""));
    }

    /** The same statement for the two kinds of reader: each text keeps one cached plan. */
    record Statement(String ofAll, String ofTenant) {
        static Statement of(String text) {
            return new Statement(conditions(text, false), conditions(text, true));
        }

        String text(RowFilter row) {
            return row.tenantId() == null ? ofAll : ofTenant;
        }
    }
}
