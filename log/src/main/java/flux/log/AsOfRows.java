package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table's rows as they were at a moment, rebuilt from the log, for a time-travel select: every
 * committed record carries the whole row after the write (docs/contracts.md), so a row at T is the
 * after image of its last committed record at or before T, unless that was a DELETE, or a key
 * change away from it or a TRUNCATE of its table came after it by T ({@link RowTimeline}). The
 * table's row ids are walked with a recursive skip over the time index
 * {@code (table_schema, table_name, row_id, created_at)} (one descent per row, whatever its history's
 * length), each row one backward probe of the same index, the two "gone" checks one probe each of
 * the partial indexes. Images get today's columns ({@link AsOfShape}: renamed, dropped and added
 * columns replayed from the schema journal) and become rows of the table's type with
 * {@code jsonb_populate_record}.
 *
 * <p>Only complete where the log is: {@link #coveredSince} says from when.
 */
public final class AsOfRows {
    private static final String KEY = RowTimeline.KEY;
    /**
     * The past images are picked, and narrowed ({@code %1$s}: {@link #IMAGE_HOLDS} per narrowing
     * value), in a MATERIALIZED CTE, and decoded only outside it: PostgreSQL never pushes the outer
     * query's conditions into a materialized CTE, so no filter of the caller's (whose cost could
     * rank it before the narrowing in a WHERE) decodes an image the narrowing leaves out. Decoding
     * can fail on a value the column's current type no longer takes, and the error would quote
     * it (seen without the fence: a filter of the caller's decoded another tenant's image). The
     * CTE is still read on demand, so a LIMIT stops the walk as before.
     */
    private static final String SOURCE = """
            WITH RECURSIVE flux_ids(row_id) AS (
              (SELECT m.row_id FROM flux.state_mutations m
                WHERE m.table_schema = ? AND m.table_name = ? AND m.row_id > '' ORDER BY m.row_id LIMIT 1)
              UNION ALL
              SELECT (SELECT m.row_id FROM flux.state_mutations m
                       WHERE m.table_schema = ? AND m.table_name = ? AND m.row_id > i.row_id ORDER BY m.row_id LIMIT 1)
                FROM flux_ids i WHERE i.row_id IS NOT NULL),
            flux_past(new) AS MATERIALIZED (
              SELECT :image FROM flux_ids i CROSS JOIN LATERAL (
                SELECT m.operation, m.new, m.created_at, :key AS p, m.id FROM flux.state_mutations m
                 WHERE m.table_schema = ? AND m.table_name = ? AND m.row_id = i.row_id
                   AND m.created_at <= CAST(? AS timestamptz) AND m.status = 'committed'
                 ORDER BY m.created_at DESC, :key DESC, m.id DESC LIMIT 1) l:shape
               WHERE i.row_id IS NOT NULL AND l.operation IN ('INSERT', 'UPDATE')
                 AND NOT EXISTS (SELECT 1 FROM flux.state_mutations m
                      WHERE m.table_schema = ? AND m.table_name = ? AND m.old_row_id = i.row_id AND m.status = 'committed'
                        AND m.created_at <= CAST(? AS timestamptz) AND (:key, m.id) > (l.p, l.id))
                 AND NOT EXISTS (SELECT 1 FROM flux.state_mutations m
                      WHERE m.table_schema = ? AND m.table_name = ? AND m.operation = 'TRUNCATE'
                        AND m.created_at <= CAST(? AS timestamptz) AND (:key, m.id) > (l.p, l.id))%1$s)
            SELECT (jsonb_populate_record(NULL::%2$s, p.new)).* FROM flux_past p
            """.replace(":key", KEY);
    /** One narrowing: the past image's field (a column's name) holds this text. */
    private static final String IMAGE_HOLDS = "\n   AND :image ->> CAST(? AS text) = CAST(? AS text)";
    /**
     * The journal's last event that gave the table its name: its creation, or a rename to it. The
     * log holds every row of a table created while Flux watched (the event trigger or a Flux
     * migration journaled it): the engine logs API writes, capture the rest. A table Flux found
     * already there (the detector journaled it) may hold rows the log never saw.
     */
    private static final String NAMED = """
            SELECT change, detected_by, created_at FROM flux.schema_changes
             WHERE table_schema = ? AND table_name = ? AND change IN ('create_table', 'rename_table')
             ORDER BY created_at DESC, id DESC LIMIT 1
            """;

    private AsOfRows() {
    }

    /**
     * A value a past image must hold for its row to be answered: {@code field} (a column's name,
     * as the images spell it) is the text {@code value}. A row tenant's narrowing is one
     * ({@code tenant_id}): a row belongs to a tenant at a moment when its image then says so, so a
     * row whose {@code tenant_id} changed is the old tenant's before the change, the new one's after.
     */
    public record ImageValue(String field, String value) {
        public ImageValue {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The rows' query text, {@code qualifiedTable} (quoted, from the catalog) naming their type, the
     * images given today's columns by {@code shape}, only the rows whose past image holds every value
     * of {@code narrowing} (none: every row).
     */
    public static String source(String qualifiedTable, AsOfShape shape, List<ImageValue> narrowing) {
        return SOURCE.formatted(IMAGE_HOLDS.repeat(narrowing.size()), qualifiedTable)
                .replace(":image", shape.image()).replace(":shape", shape.laterals());
    }

    /** The values {@link #source} binds, in order. */
    public static List<Object> params(String tableSchema, String tableName, Instant at, AsOfShape shape,
                                      List<ImageValue> narrowing) {
        String time = at.toString();
        List<Object> params = new ArrayList<>(List.of(tableSchema, tableName, tableSchema, tableName, tableSchema,
                tableName, time));
        params.addAll(shape.params(at));
        params.addAll(List.of(tableSchema, tableName, time, tableSchema, tableName, time));
        for (ImageValue v : narrowing) {
            params.add(v.field());
            params.add(v.value());
        }
        return params;
    }

    /**
     * From when the log holds every row of the table: when it was created, under this name, while
     * Flux watched; null when Flux found it already there, it was renamed to this name (its older
     * records are under another), or the journal does not know it: as-of cannot be answered then.
     */
    public static Instant coveredSince(Connection c, String tableSchema, String tableName) {
        try (PreparedStatement ps = c.prepareStatement(NAMED)) {
            ps.setString(1, tableSchema);
            ps.setString(2, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                boolean watched = "create_table".equals(rs.getString("change"))
                        && !"detector".equals(rs.getString("detected_by"));
                return watched ? rs.getObject("created_at", OffsetDateTime.class).toInstant() : null;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null; // no journal: a database no Flux server has run on
            }
            throw new DatabaseException(e);
        }
    }
}
