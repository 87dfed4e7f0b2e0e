package flux.migrate;

import flux.migrate.SchemaCatalog.CatalogObject;
import flux.migrate.SchemaCatalog.Column;
import flux.migrate.SchemaCatalog.Key;
import flux.migrate.SchemaCatalog.Kind;
import flux.migrate.SchemaCatalog.Table;
import flux.pg.Identifiers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SQL that takes a live schema to a target one, written from the two catalogs: the target's
 * own definitions ({@code pg_get_*def}) for what to create, names quoted by {@link Identifiers}
 * for what to drop or alter. Statements come in dependency order: dependents dropped first
 * (policies, triggers, views, constraints, indexes), then schemas, enums, sequences, functions
 * (with {@code check_function_bodies} off, as pg_dump does, so a function may name a table made
 * later), tables, columns, constraints (foreign keys last), indexes, views, triggers, row level
 * security, policies, and drops of columns, tables, sequences, functions and enums at the end.
 * Objects are created in the order the target created them (oid order), dropped in reverse.
 * What it cannot write (a changed generation expression or partition key, removed enum labels)
 * becomes a {@code -- } comment line saying so.
 */
final class DiffSql {
    private enum Phase {
        SETTINGS, DROP_POLICY, DROP_TRIGGER, DROP_VIEW, DROP_FOREIGN_KEY, DROP_CONSTRAINT, DROP_INDEX, SCHEMA, ENUM,
        SEQUENCE, FUNCTION, TABLE, COLUMN, SEQUENCE_OWNER, CONSTRAINT, FOREIGN_KEY, INDEX, VIEW, VIEW_INDEX, TRIGGER,
        ROW_SECURITY, POLICY, DROP_COLUMN, DROP_TABLE, DROP_SEQUENCE, DROP_FUNCTION, DROP_ENUM
    }

    private record Statement(Phase phase, long order, String sql) {
    }

    private final SchemaCatalog live;
    private final SchemaCatalog target;
    private final List<Statement> out = new ArrayList<>();

    private DiffSql(SchemaCatalog live, SchemaCatalog target) {
        this.live = live;
        this.target = target;
    }

    static List<String> statements(SchemaCatalog live, SchemaCatalog target) {
        DiffSql d = new DiffSql(live, target);
        d.schemas();
        d.tables();
        d.objects();
        if (d.out.stream().anyMatch(s -> s.phase() == Phase.FUNCTION)) {
            d.add(Phase.SETTINGS, 0, "SET check_function_bodies = false");
        }
        return d.out.stream().sorted(Comparator.comparing(Statement::phase).thenComparingLong(Statement::order))
                .map(Statement::sql).toList();
    }

    private void add(Phase phase, long order, String sql) {
        out.add(new Statement(phase, order, sql));
    }

    private void schemas() {
        for (String schema : target.schemas()) {
            boolean used = target.tables().values().stream().anyMatch(t -> t.schema().equals(schema))
                    || target.objects().keySet().stream().anyMatch(k -> k.schema().equals(schema));
            if (used && !live.schemas().contains(schema)) {
                add(Phase.SCHEMA, 0, "CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
            }
        }
    }

    private void tables() {
        for (String name : CatalogDiff.union(live.tables().keySet(), target.tables().keySet())) {
            Table l = live.tables().get(name);
            Table t = target.tables().get(name);
            if (l == null) {
                createTable(t);
                rowSecurity(t, false, false);
            } else if (t == null) {
                add(Phase.DROP_TABLE, -l.order(), "DROP TABLE " + qualified(l));
            } else {
                alterColumns(l, t);
                rowSecurity(t, l.rowSecurity(), l.forceRowSecurity());
                if (!Objects.equals(l.partitionBy(), t.partitionBy())) {
                    add(Phase.TABLE, t.order(), "-- " + t.display() + " is partitioned by " + t.partitionBy()
                            + " in the target and " + l.partitionBy() + " here: re-create it by hand");
                }
            }
        }
    }

    private void createTable(Table t) {
        List<String> columns = t.columns().stream()
                .map(c -> "    " + Identifiers.quote(c.name()) + " " + c.definition()).toList();
        add(Phase.TABLE, t.order(), "CREATE TABLE " + qualified(t) + " (\n" + String.join(",\n", columns) + "\n)"
                + (t.partitionBy() == null ? "" : " PARTITION BY " + t.partitionBy()));
    }

    private void alterColumns(Table l, Table t) {
        Map<String, Column> lc = CatalogDiff.byName(l);
        Map<String, Column> tc = CatalogDiff.byName(t);
        String alter = "ALTER TABLE " + qualified(t);
        for (Column c : t.columns()) {
            Column was = lc.get(c.name());
            if (was == null) {
                add(Phase.COLUMN, t.order(), alter + " ADD COLUMN " + Identifiers.quote(c.name()) + " " + c.definition());
            } else if (!was.definition().equals(c.definition())) {
                alterColumn(alter + " ALTER COLUMN " + Identifiers.quote(c.name()), t, was, c);
            }
        }
        for (Column c : l.columns()) {
            if (!tc.containsKey(c.name())) {
                add(Phase.DROP_COLUMN, t.order(), alter + " DROP COLUMN " + Identifiers.quote(c.name()));
            }
        }
    }

    private void alterColumn(String alter, Table t, Column was, Column c) {
        long order = t.order();
        if (!Objects.equals(was.generated(), c.generated())) {
            add(Phase.COLUMN, order, "-- " + t.display() + "." + c.name() + " is generated otherwise in the target ("
                    + c.definition() + "): drop and add it again by hand");
            return;
        }
        boolean typeChanged = !was.type().equals(c.type());
        if (typeChanged && was.defaultSql() != null) {
            add(Phase.COLUMN, order, alter + " DROP DEFAULT"); // the old default may not cast to the new type
        }
        if (typeChanged) {
            add(Phase.COLUMN, order, alter + " TYPE " + c.type() + " USING " + Identifiers.quote(c.name()) + "::" + c.type());
        }
        if (c.defaultSql() != null && (typeChanged || !c.defaultSql().equals(was.defaultSql()))) {
            add(Phase.COLUMN, order, alter + " SET DEFAULT " + c.defaultSql());
        } else if (c.defaultSql() == null && was.defaultSql() != null && !typeChanged) {
            add(Phase.COLUMN, order, alter + " DROP DEFAULT");
        }
        if (!was.identity().equals(c.identity())) {
            String how = c.identity().equals("a") ? "ALWAYS" : "BY DEFAULT";
            add(Phase.COLUMN, order, alter + (c.identity().isEmpty() ? " DROP IDENTITY"
                    : was.identity().isEmpty() ? " ADD GENERATED " + how + " AS IDENTITY" : " SET GENERATED " + how));
        }
        if (was.notNull() != c.notNull()) {
            add(Phase.COLUMN, order, alter + (c.notNull() ? " SET NOT NULL" : " DROP NOT NULL"));
        }
    }

    private void rowSecurity(Table t, boolean enabled, boolean forced) {
        String alter = "ALTER TABLE " + qualified(t);
        if (t.rowSecurity() != enabled) {
            add(Phase.ROW_SECURITY, t.order(), alter + (t.rowSecurity() ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY");
        }
        if (t.forceRowSecurity() != forced) {
            add(Phase.ROW_SECURITY, t.order(), alter + (t.forceRowSecurity() ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY");
        }
    }

    private void objects() {
        for (Key key : CatalogDiff.union(live.objects().keySet(), target.objects().keySet())) {
            CatalogObject l = live.objects().get(key);
            CatalogObject t = target.objects().get(key);
            if (key.table() != null && viewReplaced(key.schema(), key.table())) {
                if (t != null) {
                    create(t, null); // it went with its view, which is dropped and created again
                }
                continue;
            }
            if (l != null && t != null && l.definition().equals(t.definition()) && Objects.equals(l.detail(), t.detail())) {
                continue;
            }
            boolean tableGoes = key.table() != null && !hasRelation(target, key.schema(), key.table());
            if (l != null && !tableGoes && !(key.kind() == Kind.FUNCTION && t != null)) {
                drop(l, t);
            }
            if (t != null) {
                create(t, l);
            }
        }
    }

    private void drop(CatalogObject o, CatalogObject replacement) {
        Key k = o.key();
        long order = -o.order();
        switch (k.kind()) {
            case POLICY -> add(Phase.DROP_POLICY, order, "DROP POLICY " + Identifiers.quote(k.name()) + " ON " + table(k));
            case TRIGGER -> add(Phase.DROP_TRIGGER, order, "DROP TRIGGER " + Identifiers.quote(k.name()) + " ON " + table(k));
            case VIEW -> add(Phase.DROP_VIEW, order, "DROP VIEW " + Identifiers.qualified(k.schema(), k.name()));
            case MATERIALIZED_VIEW -> add(Phase.DROP_VIEW, order, "DROP MATERIALIZED VIEW "
                    + Identifiers.qualified(k.schema(), k.name()));
            case CONSTRAINT -> add("f".equals(o.detail()) ? Phase.DROP_FOREIGN_KEY : Phase.DROP_CONSTRAINT, order,
                    "ALTER TABLE " + table(k) + " DROP CONSTRAINT " + Identifiers.quote(k.name()));
            case INDEX -> add(Phase.DROP_INDEX, order, "DROP INDEX " + Identifiers.qualified(k.schema(), k.name()));
            case SEQUENCE -> {
                if (replacement == null) {
                    add(Phase.DROP_SEQUENCE, order, "DROP SEQUENCE " + Identifiers.qualified(k.schema(), k.name()));
                }
            }
            case FUNCTION -> add(Phase.DROP_FUNCTION, order, "DROP " + ("p".equals(o.detail()) ? "PROCEDURE " : "FUNCTION ")
                    + Identifiers.quote(k.schema()) + "." + functionName(k.name()));
            case ENUM -> {
                if (replacement == null) {
                    add(Phase.DROP_ENUM, order, "DROP TYPE " + Identifiers.qualified(k.schema(), k.name()));
                }
            }
        }
    }

    private void create(CatalogObject o, CatalogObject was) {
        Key k = o.key();
        long order = o.order();
        String name = Identifiers.qualified(k.schema(), k.name());
        switch (k.kind()) {
            case POLICY -> add(Phase.POLICY, order, "CREATE POLICY " + Identifiers.quote(k.name()) + " ON " + table(k) + " "
                    + o.definition());
            case TRIGGER -> add(Phase.TRIGGER, order, o.definition());
            // a materialized view's index waits for the view
            case INDEX -> add(target.tables().containsKey(k.schema() + "." + k.table()) ? Phase.INDEX : Phase.VIEW_INDEX,
                    order, o.definition());
            case VIEW -> add(Phase.VIEW, order, "CREATE VIEW " + name + " AS\n" + strip(o.definition()));
            case MATERIALIZED_VIEW -> add(Phase.VIEW, order, "CREATE MATERIALIZED VIEW " + name + " AS\n"
                    + strip(o.definition()));
            case CONSTRAINT -> add("f".equals(o.detail()) ? Phase.FOREIGN_KEY : Phase.CONSTRAINT, order,
                    "ALTER TABLE " + table(k) + " ADD CONSTRAINT " + Identifiers.quote(k.name()) + " " + o.definition());
            case FUNCTION -> add(Phase.FUNCTION, order, strip(o.definition()));
            case SEQUENCE -> sequence(o, was, name);
            case ENUM -> enumType(o, was, name);
        }
    }

    private void sequence(CatalogObject o, CatalogObject was, String name) {
        if (was == null) {
            add(Phase.SEQUENCE, o.order(), "CREATE SEQUENCE " + name + " " + o.definition());
        } else if (!was.definition().equals(o.definition())) {
            add(Phase.SEQUENCE, o.order(), "ALTER SEQUENCE " + name + " " + o.definition());
        }
        if (!Objects.equals(was == null ? null : was.detail(), o.detail())) {
            add(Phase.SEQUENCE_OWNER, o.order(), "ALTER SEQUENCE " + name + " OWNED BY "
                    + (o.detail() == null ? "NONE" : o.detail()));
        }
    }

    private void enumType(CatalogObject o, CatalogObject was, String name) {
        if (was == null) {
            add(Phase.ENUM, o.order(), "CREATE TYPE " + name + " AS ENUM (" + o.definition() + ")");
            return;
        }
        List<String> had = Arrays.asList(was.detail().split("\n"));
        List<String> wanted = Arrays.asList(o.detail().split("\n"));
        for (String label : wanted) {
            if (!had.contains(label)) {
                add(Phase.ENUM, o.order(), "ALTER TYPE " + name + " ADD VALUE IF NOT EXISTS " + literal(label));
            }
        }
        if (!wanted.containsAll(had)) {
            add(Phase.ENUM, o.order(), "-- enum " + o.key().display() + " has labels here that the target has not ("
                    + was.definition() + "): PostgreSQL cannot drop enum labels; re-create the type by hand");
        }
    }

    /** Whether the view or materialized view {@code schema.name} is in both and defined otherwise (so re-created). */
    private boolean viewReplaced(String schema, String name) {
        for (Kind kind : List.of(Kind.VIEW, Kind.MATERIALIZED_VIEW)) {
            CatalogObject l = live.objects().get(new Key(kind, schema, null, name));
            CatalogObject t = target.objects().get(new Key(kind, schema, null, name));
            if (l != null && t != null && !l.definition().equals(t.definition())) {
                return true;
            }
        }
        return false;
    }

    /** A table, view or materialized view (what indexes and triggers belong to) of that name. */
    private static boolean hasRelation(SchemaCatalog catalog, String schema, String name) {
        return catalog.tables().containsKey(schema + "." + name)
                || catalog.objects().containsKey(new Key(Kind.VIEW, schema, null, name))
                || catalog.objects().containsKey(new Key(Kind.MATERIALIZED_VIEW, schema, null, name));
    }

    private static String table(Key k) {
        return Identifiers.qualified(k.schema(), k.table());
    }

    private static String qualified(Table t) {
        return Identifiers.qualified(t.schema(), t.name());
    }

    /** {@code "f"(integer, text)} from the catalog's {@code f(integer, text)}. */
    private static String functionName(String signature) {
        int paren = signature.indexOf('(');
        return Identifiers.quote(signature.substring(0, paren)) + signature.substring(paren);
    }

    private static String strip(String definition) {
        String s = definition.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
