package flux.console.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema tenant's objects as data, and back as DDL: enum types, sequences and tables (columns
 * with types, defaults, identity and generated columns; constraints; indexes). Read and replayed
 * with {@code search_path} set to the tenant's schema, so the definitions PostgreSQL prints
 * ({@code format_type}, {@code pg_get_expr}, {@code pg_get_constraintdef}, {@code pg_get_indexdef})
 * name the schema's own objects unqualified and can be replayed into another tenant's schema.
 * Not covered: functions, views, domains and other object kinds (docs/tenant-backup.md).
 */
final class SchemaDump {
    private static final String ENUMS = """
            SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[]
              FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
             WHERE t.typnamespace = ?::regnamespace GROUP BY t.typname ORDER BY t.typname""";
    // Identity columns' sequences depend on their column internally ('i') and come with the column.
    private static final String SEQUENCES = """
            SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                   s.seqcycle, p.last_value,
                   (SELECT format('%I.%I', t.relname, a.attname) FROM pg_depend d
                      JOIN pg_class t ON t.oid = d.refobjid
                      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype = 'a')
              FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
              LEFT JOIN pg_sequences p ON p.schemaname = ? AND p.sequencename = c.relname
             WHERE c.relnamespace = ?::regnamespace AND c.relkind = 'S'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
                                                         AND d.deptype = 'i')
             ORDER BY c.relname""";
    private static final String TABLES = """
            SELECT c.oid::bigint, c.relname FROM pg_class c
             WHERE c.relnamespace = ?::regnamespace AND c.relkind = 'r' ORDER BY c.relname""";
    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                   a.attidentity, a.attgenerated
              FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""";
    private static final String CONSTRAINTS = """
            SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = ? AND contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY contype <> 'p', conname""";
    // pg_get_indexdef qualifies the table whatever the search_path: the schema is taken out here.
    private static final String INDEXES = """
            SELECT replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(?) || '.', ' ON ') FROM pg_index i
             WHERE i.indrelid = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY 1""";

    private SchemaDump() {
    }

    /** Enum types, sequences and table definitions of {@code schema}, as backup lines. */
    static List<ObjectNode> read(Connection c, String schema) throws SQLException {
        List<ObjectNode> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ENUMS)) {
            ps.setString(1, Identifiers.quote(schema));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode e = BackupLines.line("enum").put("name", rs.getString(1));
                    ArrayNode labels = e.putArray("labels");
                    for (String l : (String[]) rs.getArray(2).getArray()) {
                        labels.add(l);
                    }
                    lines.add(e);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(SEQUENCES)) {
            ps.setString(1, schema);
            ps.setString(2, Identifiers.quote(schema));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode s = BackupLines.line("sequence").put("name", rs.getString(1)).put("as", rs.getString(2))
                            .put("start", rs.getLong(3)).put("increment", rs.getLong(4)).put("min", rs.getLong(5))
                            .put("max", rs.getLong(6)).put("cycle", rs.getBoolean(7))
                            .put("owned_by", rs.getString(9));
                    long last = rs.getLong(8);
                    s.put("last_value", rs.wasNull() ? null : last);
                    lines.add(s);
                }
            }
        }
        List<Long> oids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES)) {
            ps.setString(1, Identifiers.quote(schema));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    oids.add(rs.getLong(1));
                    names.add(rs.getString(2));
                }
            }
        }
        for (int i = 0; i < names.size(); i++) {
            lines.add(table(c, schema, oids.get(i), names.get(i)));
        }
        return lines;
    }

    private static ObjectNode table(Connection c, String schema, long oid, String name) throws SQLException {
        ObjectNode t = BackupLines.line("table").put("name", name);
        ArrayNode columns = t.putArray("columns");
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.addObject().put("name", rs.getString(1)).put("type", rs.getString(2))
                            .put("not_null", rs.getBoolean(3)).put("default", rs.getString(4))
                            .put("identity", rs.getString(5)).put("generated", rs.getString(6));
                }
            }
        }
        ArrayNode constraints = t.putArray("constraints");
        try (PreparedStatement ps = c.prepareStatement(CONSTRAINTS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    constraints.addObject().put("name", rs.getString(1)).put("kind", rs.getString(2))
                            .put("definition", rs.getString(3));
                }
            }
        }
        ArrayNode indexes = t.putArray("indexes");
        try (PreparedStatement ps = c.prepareStatement(INDEXES)) {
            ps.setString(1, schema);
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
        }
        return t;
    }

    static String createEnum(JsonNode e) {
        List<String> labels = new ArrayList<>();
        e.path("labels").forEach(l -> labels.add(literal(l.asText())));
        return "CREATE TYPE " + Identifiers.quote(e.path("name").asText()) + " AS ENUM (" + String.join(", ", labels) + ")";
    }

    static String createSequence(JsonNode s) {
        return "CREATE SEQUENCE " + Identifiers.quote(s.path("name").asText()) + " AS " + s.path("as").asText()
                + " INCREMENT " + s.path("increment").asLong() + " MINVALUE " + s.path("min").asLong()
                + " MAXVALUE " + s.path("max").asLong() + " START " + s.path("start").asLong()
                + (s.path("cycle").asBoolean() ? " CYCLE" : " NO CYCLE");
    }

    /** The table with its columns and every constraint but foreign keys (those come after the data). */
    static String createTable(JsonNode t) {
        List<String> parts = new ArrayList<>();
        for (JsonNode col : t.path("columns")) {
            StringBuilder d = new StringBuilder(Identifiers.quote(col.path("name").asText())).append(' ')
                    .append(col.path("type").asText());
            String generated = col.path("generated").asText("");
            String identity = col.path("identity").asText("");
            if (generated.equals("s")) {
                d.append(" GENERATED ALWAYS AS (").append(col.path("default").asText()).append(") STORED");
            } else if (!identity.isEmpty()) {
                d.append(identity.equals("a") ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY");
            } else if (!col.path("default").isNull()) {
                d.append(" DEFAULT ").append(col.path("default").asText());
            }
            if (col.path("not_null").asBoolean() && identity.isEmpty()) {
                d.append(" NOT NULL");
            }
            parts.add(d.toString());
        }
        for (JsonNode k : t.path("constraints")) {
            if (!k.path("kind").asText().equals("f")) {
                parts.add("CONSTRAINT " + Identifiers.quote(k.path("name").asText()) + " " + k.path("definition").asText());
            }
        }
        return "CREATE TABLE " + Identifiers.quote(t.path("name").asText()) + " (" + String.join(", ", parts) + ")";
    }

    /** What comes after the data: foreign keys, indexes, replica identity for capture. */
    static List<String> finishTable(JsonNode t) {
        String table = Identifiers.quote(t.path("name").asText());
        List<String> statements = new ArrayList<>();
        boolean keyed = false;
        for (JsonNode k : t.path("constraints")) {
            keyed |= k.path("kind").asText().equals("p");
            if (k.path("kind").asText().equals("f")) {
                statements.add("ALTER TABLE " + table + " ADD CONSTRAINT " + Identifiers.quote(k.path("name").asText()) + " "
                        + k.path("definition").asText());
            }
        }
        t.path("indexes").forEach(i -> statements.add(i.asText()));
        if (keyed) {
            // As migrations leave a keyed table: capture needs before-images (docs/capture.md).
            statements.add("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        }
        return statements;
    }

    /** Columns a row's insert names: all but generated ones (PostgreSQL computes those). */
    static List<String> insertable(JsonNode t) {
        List<String> columns = new ArrayList<>();
        for (JsonNode col : t.path("columns")) {
            if (!col.path("generated").asText("").equals("s")) {
                columns.add(col.path("name").asText());
            }
        }
        return columns;
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
