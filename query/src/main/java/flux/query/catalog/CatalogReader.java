package flux.query.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tables, columns, types and primary keys from {@code pg_catalog}. Types are read without
 * their modifier ({@code character varying}, not {@code character varying(5)}): an explicit
 * cast to {@code varchar(5)} silently truncates, while assigning the unmodified value lets
 * PostgreSQL enforce the length (22001) and the numeric scale as declared. Two types mean a
 * length of 1 when named without one, {@code character} and {@code bit}: those are spelled
 * {@code bpchar} and {@code bit varying}, which take any length (a cast to {@code character} kept
 * one character of {@code 'ab'}). Only ordinary and
 * partitioned tables of user schemas: the system schemas and Flux's own {@code flux} schema are
 * never visible to the API.
 */
public final class CatalogReader {
    /** Schemas the API never exposes, besides every {@code pg_*} schema. */
    public static final List<String> HIDDEN_SCHEMAS = List.of("flux", "information_schema");

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, a.attnum,
                   CASE a.atttypid WHEN 'bpchar'::regtype THEN 'bpchar' WHEN '_bpchar'::regtype THEN 'bpchar[]'
                                   WHEN 'bit'::regtype THEN 'bit varying' WHEN '_bit'::regtype THEN 'bit varying[]'
                                   ELSE format_type(a.atttypid, NULL) END AS sql_type,
                   bt.typname AS base_type, bt.typcategory AS base_category,
                   a.attnotnull, a.atthasdef, a.attgenerated <> '' AS generated,
                   (SELECT array_position(ix.indkey::int2[], a.attnum)
                      FROM pg_index ix WHERE ix.indrelid = c.oid AND ix.indisprimary) AS pk_position,
                   CASE WHEN bt.typtype = 'e' THEN 'CANONICAL'
                        WHEN bt.typnamespace <> 'pg_catalog'::regnamespace THEN 'IMAGE'
                        WHEN a.attcollation <> 0 AND NOT (SELECT co.collisdeterministic FROM pg_collation co
                                                           WHERE co.oid = a.attcollation) THEN 'IMAGE'
                        WHEN bt.typname IN ('int2', 'int4', 'int8', 'bool', 'uuid', 'date', 'timestamp',
                                            'timestamptz', 'text', 'varchar', 'bpchar', 'bytea') THEN 'CANONICAL'
                        WHEN bt.typname IN ('numeric', 'float4', 'float8') THEN 'TYPED'
                        ELSE 'IMAGE' END AS equality
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              JOIN pg_type t ON t.oid = a.atttypid
              JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
             WHERE c.relkind IN ('r', 'p')
               AND n.nspname <> ALL (?)
               AND n.nspname NOT LIKE 'pg\\_%'
             ORDER BY n.nspname, c.relname, a.attnum
            """;

    public Snapshot read(Connection connection) throws SQLException {
        Map<String, Map<String, Table>> tables = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            Array hidden = connection.createArrayOf("text", HIDDEN_SCHEMAS.toArray());
            ps.setArray(1, hidden);
            try (ResultSet rs = ps.executeQuery()) {
                String schema = null;
                String table = null;
                List<Column> columns = new ArrayList<>();
                Map<Integer, Column> key = new java.util.TreeMap<>();
                while (rs.next()) {
                    String s = rs.getString(1);
                    String t = rs.getString(2);
                    if (table != null && !(s.equals(schema) && t.equals(table))) {
                        add(tables, schema, table, columns, key);
                        columns = new ArrayList<>();
                        key = new java.util.TreeMap<>();
                    }
                    schema = s;
                    table = t;
                    Column column = new Column(rs.getString(3), rs.getInt(4), rs.getString(5),
                            kind(rs.getString(6), rs.getString(7)), rs.getBoolean(8), rs.getBoolean(9),
                            rs.getBoolean(10), ColumnEquality.valueOf(rs.getString(12)));
                    columns.add(column);
                    int pk = rs.getInt(11);
                    if (!rs.wasNull()) {
                        key.put(pk, column);
                    }
                }
                if (table != null) {
                    add(tables, schema, table, columns, key);
                }
            }
        }
        return new Snapshot(tables, searchPath(connection));
    }

    private static void add(Map<String, Map<String, Table>> tables, String schema, String table,
                            List<Column> columns, Map<Integer, Column> key) {
        tables.computeIfAbsent(schema, s -> new LinkedHashMap<>())
                .put(table, new Table(schema, table, columns, new ArrayList<>(key.values())));
    }

    private static List<String> searchPath(Connection connection) throws SQLException {
        List<String> path = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT unnest(current_schemas(false))");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                path.add(rs.getString(1));
            }
        }
        return path;
    }

    static ColumnKind kind(String baseType, String baseCategory) {
        if (baseType.equals("bytea")) {
            return ColumnKind.BYTES;
        }
        if (baseType.equals("json") || baseType.equals("jsonb")) {
            return ColumnKind.JSON;
        }
        if ("A".equals(baseCategory)) {
            return ColumnKind.ARRAY;
        }
        if ("S".equals(baseCategory)) {
            return ColumnKind.STRING;
        }
        return ColumnKind.SCALAR;
    }

    /** One consistent read of the catalog: schema -> table name -> table, and the search path. */
    public record Snapshot(Map<String, Map<String, Table>> tables, List<String> searchPath) {
    }
}
