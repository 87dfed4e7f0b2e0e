package flux.migrate;

import flux.migrate.SchemaCatalog.CatalogObject;
import flux.migrate.SchemaCatalog.Column;
import flux.migrate.SchemaCatalog.Key;
import flux.migrate.SchemaCatalog.Kind;
import flux.migrate.SchemaCatalog.Table;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link SchemaCatalog} from {@code pg_catalog}. The caller holds a transaction open:
 * {@code search_path} is set to {@code pg_catalog} for it (transaction-locally), so the
 * {@code pg_get_*def} functions qualify every name, the same way in any database. Objects that
 * belong to an extension are left out: the extension brings them.
 */
final class CatalogReader {
    /** Schemas whose objects are users': not PostgreSQL's, not Flux's own, not a schema tenant's (its own migrations). */
    private static final String USER_SCHEMAS = """
            SELECT n.nspname FROM pg_namespace n
             WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'flux')
               AND n.nspname !~ '^t_.+_api$'
               AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass
                               AND e.objid = n.oid AND e.deptype = 'e')
             ORDER BY 1""";
    /** Sets search_path for the rest of the transaction, returning the one it replaces. */
    private static final String SEARCH_PATH = "SELECT current_setting('search_path'), set_config('search_path', ?, true)";

    private static final String TABLES = """
            SELECT c.oid::bigint, n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, c.relfilenode::bigint
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY (?)""" + notExtension("pg_class", "c.oid") + """
             ORDER BY c.oid""";
    private static final String COLUMNS = """
            SELECT a.attrelid::bigint, a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END, a.attnotnull,
                   a.attidentity::text, CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END
              FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid::bigint = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attrelid, a.attnum""";
    private static final String ENUMS = """
            SELECT t.oid::bigint, n.nspname, t.typname,
                   string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder),
                   string_agg(e.enumlabel, E'\\n' ORDER BY e.enumsortorder)
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
             WHERE n.nspname = ANY (?)""" + notExtension("pg_type", "t.oid") + """
             GROUP BY 1, 2, 3 ORDER BY 1""";
    /** Sequences other than identity columns' own; a serial's owning column is its detail. */
    private static final String SEQUENCES = """
            SELECT c.oid::bigint, n.nspname, c.relname,
                   'AS ' || format_type(s.seqtypid, NULL) || ' INCREMENT BY ' || s.seqincrement || ' MINVALUE '
                       || s.seqmin || ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
                       || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END,
                   (SELECT format('%I.%I.%I', tn.nspname, t.relname, a.attname)
                      FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' AND d.refobjsubid > 0)
              FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ANY (?)
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                               AND d.deptype = 'i')""" + notExtension("pg_class", "c.oid") + """
             ORDER BY 1""";
    private static final String FUNCTIONS = """
            SELECT p.oid::bigint, n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   pg_get_functiondef(p.oid), p.prokind::text
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = ANY (?) AND p.prokind IN ('f', 'p')""" + notExtension("pg_proc", "p.oid") + """
             ORDER BY 1""";
    private static final String VIEWS = """
            SELECT c.oid::bigint, n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY (?)""" + notExtension("pg_class", "c.oid") + """
             ORDER BY 1""";
    private static final String CONSTRAINTS = """
            SELECT k.oid::bigint, n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype::text
              FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conrelid::bigint = ANY (?) AND k.conparentid = 0
             ORDER BY 1""";
    /** Indexes other than those behind a primary key, unique or exclusion constraint (the constraint makes them). */
    private static final String INDEXES = """
            SELECT i.indexrelid::bigint, n.nspname, t.relname, ic.relname, pg_get_indexdef(i.indexrelid)
              FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE i.indrelid::bigint = ANY (?)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                               AND k.contype IN ('p', 'u', 'x'))
             ORDER BY 1""";
    private static final String TRIGGERS = """
            SELECT g.oid::bigint, n.nspname, c.relname, g.tgname, pg_get_triggerdef(g.oid)
              FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE NOT g.tgisinternal AND g.tgparentid = 0 AND g.tgrelid::bigint = ANY (?)
             ORDER BY 1""";
    /** A policy's definition after {@code CREATE POLICY name ON table}, built from its catalog row. */
    private static final String POLICIES = """
            SELECT p.oid::bigint, n.nspname, c.relname, p.polname,
                   'AS ' || CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END || ' FOR '
                       || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                        WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
                       || ' TO ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END,
                                                      ', ' ORDER BY 1) FROM unnest(p.polroles) r)
                       || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
                       || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')
              FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE p.polrelid::bigint = ANY (?)
             ORDER BY 1""";

    private CatalogReader() {
    }

    /** Leaves out an object an extension owns; both arguments are constants of this class. */
    private static String notExtension(String catalog, String oid) {
        return "\n   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass AND e.objid = "
                + oid + " AND e.deptype = 'e')\n";
    }

    /** The schemas holding users' objects (see {@link #USER_SCHEMAS}). */
    static Set<String> userSchemas(Connection c) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(USER_SCHEMAS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * Reads {@code schemas} inside the caller's open transaction, and sets its {@code search_path}
     * back afterwards: lint reads between the statements of a file's own transaction block.
     */
    static SchemaCatalog read(Connection c, Set<String> schemas) throws SQLException {
        String searchPath = searchPath(c, "pg_catalog");
        SchemaCatalog catalog = readQualified(c, schemas);
        searchPath(c, searchPath);
        return catalog;
    }

    private static String searchPath(Connection c, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SEARCH_PATH)) {
            ps.setString(1, path);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static SchemaCatalog readQualified(Connection c, Set<String> schemas) throws SQLException {
        Array names = c.createArrayOf("text", schemas.toArray());
        Map<Long, TableRow> tableRows = new LinkedHashMap<>();
        query(c, TABLES, names, rs -> tableRows.put(rs.getLong(1), new TableRow(rs.getString(2), rs.getString(3),
                rs.getBoolean(4), rs.getBoolean(5), rs.getString(6), rs.getLong(7), new ArrayList<>())));
        Map<Key, CatalogObject> objects = new LinkedHashMap<>();
        query(c, VIEWS, names, rs -> put(objects, rs.getString(4).equals("m") ? Kind.MATERIALIZED_VIEW : Kind.VIEW,
                rs, rs.getString(2), null, rs.getString(3), rs.getString(5), null));
        List<Long> relations = new ArrayList<>(tableRows.keySet());
        objects.values().forEach(o -> relations.add(o.order()));
        Array relationOids = c.createArrayOf("bigint", relations.toArray());
        Array tableOids = c.createArrayOf("bigint", tableRows.keySet().toArray());
        query(c, COLUMNS, tableOids, rs -> tableRows.get(rs.getLong(1)).columns().add(new Column(rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getString(6), rs.getString(7))));
        query(c, ENUMS, names, rs -> put(objects, Kind.ENUM, rs, rs.getString(2), null, rs.getString(3),
                rs.getString(4), rs.getString(5)));
        query(c, SEQUENCES, names, rs -> put(objects, Kind.SEQUENCE, rs, rs.getString(2), null, rs.getString(3),
                rs.getString(4), rs.getString(5)));
        query(c, FUNCTIONS, names, rs -> put(objects, Kind.FUNCTION, rs, rs.getString(2), null, rs.getString(3),
                rs.getString(4), rs.getString(5)));
        query(c, CONSTRAINTS, tableOids, rs -> put(objects, Kind.CONSTRAINT, rs, rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6)));
        query(c, INDEXES, relationOids, rs -> put(objects, Kind.INDEX, rs, rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), null));
        query(c, TRIGGERS, relationOids, rs -> put(objects, Kind.TRIGGER, rs, rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), null));
        query(c, POLICIES, tableOids, rs -> put(objects, Kind.POLICY, rs, rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), null));
        Map<String, Table> tables = new LinkedHashMap<>();
        tableRows.forEach((oid, t) -> tables.put(t.schema() + "." + t.name(), new Table(t.schema(), t.name(),
                t.columns(), t.rowSecurity(), t.forceRowSecurity(), t.partitionBy(), oid, t.storage())));
        return new SchemaCatalog(schemas, tables, objects);
    }

    private record TableRow(String schema, String name, boolean rowSecurity, boolean forceRowSecurity,
                            String partitionBy, long storage, List<Column> columns) {
    }

    private static void put(Map<Key, CatalogObject> objects, Kind kind, ResultSet rs, String schema, String table,
                            String name, String definition, String detail) throws SQLException {
        Key key = new Key(kind, schema, table, name);
        objects.put(key, new CatalogObject(key, definition, detail, rs.getLong(1)));
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, Array parameter, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }
}
