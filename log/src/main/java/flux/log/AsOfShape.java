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
import java.util.Optional;

/**
 * Gives a time-travel select's past images the table's columns of now ({@link AsOfRows}): the log
 * keeps each image under the column names of its moment, and the select reads them as rows of the
 * table's type today. Each column change the schema journal recorded since the table's creation is
 * replayed on the images written before it, in journal order: a rename moves the value to the new
 * name, a drop removes it (so a later column of the same name never shows an old value), an add made
 * by the moment asked gives the rows written before it the value existing rows got. An add whose
 * rows each got their own value (a volatile default) is not in the log: {@link #unknownAt} says so,
 * and the select is refused rather than answered with nulls.
 */
public final class AsOfShape {
    private static final String CHANGES = """
            SELECT change, column_name, old_column_name, value_for_existing::text AS value_for_existing, created_at
              FROM flux.schema_changes
             WHERE table_schema = ? AND table_name = ? AND created_at >= ?
               AND change IN ('add_column', 'drop_column', 'rename_column')
             ORDER BY id""";

    /** One column change: {@code value} is the JSON text existing rows got (adds only; null: each its own). */
    public record ColumnChange(String change, String column, String oldColumn, String value, Instant at) {
    }

    private final List<ColumnChange> changes;

    private AsOfShape(List<ColumnChange> changes) {
        this.changes = List.copyOf(changes);
    }

    /** The table's column changes the journal recorded from {@code since} (its creation) on. */
    public static AsOfShape since(Connection c, String tableSchema, String tableName, Instant since) {
        List<ColumnChange> changes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CHANGES)) {
            ps.setString(1, tableSchema);
            ps.setString(2, tableName);
            ps.setObject(3, OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changes.add(new ColumnChange(rs.getString("change"), rs.getString("column_name"),
                            rs.getString("old_column_name"), rs.getString("value_for_existing"),
                            rs.getObject("created_at", OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return new AsOfShape(changes);
    }

    /** A column added by {@code at} whose existing rows each got their own value: the log cannot tell them. */
    public Optional<ColumnChange> unknownAt(Instant at) {
        return changes.stream().filter(c -> c.change().equals("add_column") && c.value() == null && !c.at().isAfter(at))
                .findFirst();
    }

    /**
     * Laterals after the record lateral {@code l} (which selects {@code new} and {@code created_at}),
     * each {@code flux_sK(image)} one change replayed; {@link #image} names the last.
     */
    String laterals() {
        StringBuilder sql = new StringBuilder(" CROSS JOIN LATERAL (SELECT l.new AS image) flux_s0");
        for (int i = 0; i < changes.size(); i++) {
            String prev = "flux_s" + i + ".image";
            String before = "l.created_at < CAST(? AS timestamptz)";
            String replayed = switch (changes.get(i).change()) {
                case "rename_column" -> "CASE WHEN " + before + " AND " + prev + " -> CAST(? AS text) IS NOT NULL THEN (" + prev
                        + " - CAST(? AS text)) || jsonb_build_object(CAST(? AS text), " + prev + " -> CAST(? AS text))"
                        + " ELSE " + prev + " END";
                case "drop_column" -> "CASE WHEN " + before + " THEN " + prev + " - CAST(? AS text) ELSE " + prev + " END";
                default -> "CASE WHEN " + before + " AND CAST(? AS timestamptz) <= CAST(? AS timestamptz) THEN " + prev
                        + " || jsonb_build_object(CAST(? AS text), CAST(? AS jsonb)) ELSE " + prev + " END";
            };
            sql.append(" CROSS JOIN LATERAL (SELECT ").append(replayed).append(" AS image) flux_s").append(i + 1);
        }
        return sql.toString();
    }

    /** The translated image of the last lateral. */
    String image() {
        return "flux_s" + changes.size() + ".image";
    }

    /** The values {@link #laterals} binds, in order, for a select as of {@code at}. */
    List<Object> params(Instant at) {
        List<Object> params = new ArrayList<>();
        for (ColumnChange c : changes) {
            params.add(c.at().toString());
            switch (c.change()) {
                case "rename_column" -> params.addAll(List.of(c.oldColumn(), c.oldColumn(), c.column(), c.oldColumn()));
                case "drop_column" -> params.add(c.column());
                default -> params.addAll(java.util.Arrays.asList(c.at().toString(), at.toString(), c.column(), c.value()));
            }
        }
        return params;
    }
}
