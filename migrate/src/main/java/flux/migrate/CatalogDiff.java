package flux.migrate;

import flux.migrate.Difference.Change;
import flux.migrate.SchemaCatalog.CatalogObject;
import flux.migrate.SchemaCatalog.Column;
import flux.migrate.SchemaCatalog.Key;
import flux.migrate.SchemaCatalog.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a live catalog with a target catalog, object by object, by the catalog's own
 * definitions. The constraints, indexes, triggers and policies of a table that only one side
 * has are not listed apart: they come and go with the table.
 */
final class CatalogDiff {
    private CatalogDiff() {
    }

    static List<Difference> compare(SchemaCatalog live, SchemaCatalog target) {
        List<Difference> out = new ArrayList<>();
        for (String name : union(live.tables().keySet(), target.tables().keySet())) {
            Table l = live.tables().get(name);
            Table t = target.tables().get(name);
            if (l == null || t == null) {
                out.add(new Difference(l == null ? Change.MISSING : Change.EXTRA, "table", name,
                        l == null ? null : columnsOf(l), t == null ? null : columnsOf(t)));
            } else {
                columns(l, t, out);
                if (l.rowSecurity() != t.rowSecurity() || l.forceRowSecurity() != t.forceRowSecurity()) {
                    out.add(new Difference(Change.CHANGED, "row level security", name, rowSecurity(l), rowSecurity(t)));
                }
                if (!Objects.equals(l.partitionBy(), t.partitionBy())) {
                    out.add(new Difference(Change.CHANGED, "partition key", name, l.partitionBy(), t.partitionBy()));
                }
            }
        }
        for (Key key : union(live.objects().keySet(), target.objects().keySet())) {
            if (key.table() != null && onlyOneSideHas(live, target, key.schema() + "." + key.table())) {
                continue;
            }
            CatalogObject l = live.objects().get(key);
            CatalogObject t = target.objects().get(key);
            String kind = key.kind().label();
            if (l == null) {
                out.add(new Difference(Change.MISSING, kind, key.display(), null, t.definition()));
            } else if (t == null) {
                out.add(new Difference(Change.EXTRA, kind, key.display(), l.definition(), null));
            } else if (!l.definition().equals(t.definition()) || !Objects.equals(l.detail(), t.detail())) {
                out.add(new Difference(Change.CHANGED, kind, key.display(), describe(l), describe(t)));
            }
        }
        out.sort(Comparator.comparing(Difference::name).thenComparing(Difference::kind));
        return out;
    }

    static boolean onlyOneSideHas(SchemaCatalog live, SchemaCatalog target, String table) {
        return live.tables().containsKey(table) != target.tables().containsKey(table);
    }

    private static void columns(Table l, Table t, List<Difference> out) {
        Map<String, Column> lc = byName(l);
        Map<String, Column> tc = byName(t);
        for (String name : union(lc.keySet(), tc.keySet())) {
            Column a = lc.get(name);
            Column b = tc.get(name);
            String full = l.display() + "." + name;
            if (a == null || b == null) {
                out.add(new Difference(a == null ? Change.MISSING : Change.EXTRA, "column", full,
                        a == null ? null : a.definition(), b == null ? null : b.definition()));
            } else if (!a.definition().equals(b.definition())) {
                out.add(new Difference(Change.CHANGED, "column", full, a.definition(), b.definition()));
            }
        }
    }

    static Map<String, Column> byName(Table t) {
        Map<String, Column> m = new LinkedHashMap<>();
        t.columns().forEach(c -> m.put(c.name(), c));
        return m;
    }

    private static String describe(CatalogObject o) {
        return o.detail() == null || o.key().kind() != SchemaCatalog.Kind.SEQUENCE ? o.definition()
                : o.definition() + " OWNED BY " + o.detail();
    }

    private static String columnsOf(Table t) {
        return "(" + String.join(", ", t.columns().stream().map(c -> c.name() + " " + c.definition()).toList()) + ")";
    }

    private static String rowSecurity(Table t) {
        return (t.rowSecurity() ? "enabled" : "disabled") + (t.forceRowSecurity() ? ", forced" : "");
    }

    static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }
}
