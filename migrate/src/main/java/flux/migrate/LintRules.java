package flux.migrate;

import flux.migrate.SchemaCatalog.CatalogObject;
import flux.migrate.SchemaCatalog.Column;
import flux.migrate.SchemaCatalog.Key;
import flux.migrate.SchemaCatalog.Kind;
import flux.migrate.SchemaCatalog.Table;
import flux.pg.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Judges what one statement did, from the scratch catalog before and after it, to the tables the
 * live database has (their sizes from the live database): drops, renames and narrowed types of
 * live data; index builds without CONCURRENTLY, SET NOT NULL scans, volatile defaults and table
 * rewrites (the table's relfilenode changed) on tables of {@code largeRows} rows or more; and
 * drops or renames of columns that API queries used recently. Tables made by earlier pending
 * files are empty: nothing there to lose or to lock for long.
 */
final class LintRules {
    private final Map<String, Long> liveRows;
    private final long largeRows;
    private final ColumnUsage usage;

    LintRules(Map<String, Long> liveRows, long largeRows, ColumnUsage usage) {
        this.liveRows = liveRows;
        this.largeRows = largeRows;
        this.usage = usage;
    }

    List<LintFinding> check(String file, SqlStatement s, SchemaCatalog before, SchemaCatalog after) {
        List<LintFinding> out = new ArrayList<>();
        for (Table t : before.tables().values()) {
            Long rows = liveRows.get(t.display());
            if (rows == null) {
                continue;
            }
            Table now = after.tables().get(t.display());
            if (now == null) {
                droppedTable(file, s, t, rows, after, out);
            } else {
                columns(file, s, t, now, rows, out);
                locks(file, s, t, now, rows, before, after, out);
            }
        }
        return out;
    }

    private void droppedTable(String file, SqlStatement s, Table t, long rows, SchemaCatalog after, List<LintFinding> out) {
        Table renamed = after.tables().values().stream().filter(n -> n.storage() == t.storage()).findFirst().orElse(null);
        if (renamed != null) {
            out.add(new LintFinding(file, s.line(), LintRule.RENAMES, "renames table " + t.display() + " to "
                    + renamed.display() + ": queries and code that name " + t.display() + " fail"));
        } else {
            out.add(new LintFinding(file, s.line(), LintRule.DROPS_TABLE, "drops table " + t.display() + " (about "
                    + rows + " rows)"));
        }
        inUse(file, s, t, null, out);
    }

    private void columns(String file, SqlStatement s, Table t, Table now, long rows, List<LintFinding> out) {
        Map<String, Column> after = CatalogDiff.byName(now);
        Map<String, Column> was = CatalogDiff.byName(t);
        List<Column> added = now.columns().stream().filter(c -> !was.containsKey(c.name())).toList();
        for (Column c : t.columns()) {
            Column n = after.get(c.name());
            if (n == null) {
                Column renamed = added.stream().filter(a -> a.definition().equals(c.definition())).findFirst().orElse(null);
                out.add(renamed != null
                        ? new LintFinding(file, s.line(), LintRule.RENAMES, "renames column " + t.display() + "." + c.name()
                                + " to " + renamed.name() + ": queries that name " + c.name() + " fail")
                        : new LintFinding(file, s.line(), LintRule.DROPS_COLUMN, "drops column " + t.display() + "."
                                + c.name() + " (" + c.type() + ", about " + rows + " rows): its values are lost"));
                inUse(file, s, t, c.name(), out);
            } else if (!n.type().equals(c.type()) && TypeNarrowing.narrows(c.type(), n.type())) {
                out.add(new LintFinding(file, s.line(), LintRule.NARROWS_TYPE, "narrows " + t.display() + "." + c.name()
                        + " from " + c.type() + " to " + n.type() + ": values that do not fit fail the statement"
                        + " (or are cut by a USING cast)"));
            }
        }
    }

    private void locks(String file, SqlStatement s, Table t, Table now, long rows, SchemaCatalog before,
                       SchemaCatalog after, List<LintFinding> out) {
        if (rows < largeRows) {
            return;
        }
        String size = t.display() + " (about " + rows + " rows)";
        Map<String, Column> was = CatalogDiff.byName(t);
        for (Column c : now.columns()) {
            Column old = was.get(c.name());
            if (old != null && !old.notNull() && c.notNull() && !hasValidNotNullCheck(before, t, c.name())) {
                out.add(new LintFinding(file, s.line(), LintRule.SET_NOT_NULL_SCAN, "SET NOT NULL on " + t.display()
                        + "." + c.name() + " scans " + size + " under an ACCESS EXCLUSIVE lock; first add CHECK ("
                        + c.name() + " IS NOT NULL) NOT VALID, VALIDATE it in another migration, then SET NOT NULL"));
            }
        }
        if (now.storage() != t.storage() && !s.verb().equals("TRUNCATE")) {
            Column volatileDefault = now.columns().stream()
                    .filter(c -> !was.containsKey(c.name()) && c.defaultSql() != null).findFirst().orElse(null);
            out.add(volatileDefault != null
                    ? new LintFinding(file, s.line(), LintRule.VOLATILE_DEFAULT, "adds " + t.display() + "."
                            + volatileDefault.name() + " with a volatile default (" + volatileDefault.defaultSql()
                            + "): rewrites " + size + " under an ACCESS EXCLUSIVE lock; add it without the default,"
                            + " then set the default and backfill in batches")
                    : new LintFinding(file, s.line(), LintRule.REWRITES_TABLE, "rewrites " + size
                            + " under an ACCESS EXCLUSIVE lock (every row and index written again)"));
            return; // a rewrite builds the indexes again too: one finding says it
        }
        boolean concurrently = s.keywords().contains("CONCURRENTLY");
        for (CatalogObject o : after.objects().values()) {
            Key k = o.key();
            boolean builds = k.kind() == Kind.INDEX || k.kind() == Kind.CONSTRAINT && List.of("p", "u", "x").contains(o.detail())
                    && !s.hasSequence("USING", "INDEX");
            if (builds && !concurrently && t.name().equals(k.table()) && t.schema().equals(k.schema())
                    && !before.objects().containsKey(k)) {
                out.add(new LintFinding(file, s.line(), LintRule.INDEX_WITHOUT_CONCURRENTLY, "builds "
                        + (k.kind() == Kind.INDEX ? "index " : "the index of constraint ") + k.name() + " on " + size
                        + " without CONCURRENTLY: writes to the table wait for the whole build; use CREATE INDEX"
                        + " CONCURRENTLY (in a file of its own)" + (k.kind() == Kind.CONSTRAINT
                        ? ", then ADD CONSTRAINT ... USING INDEX" : "")));
            }
        }
    }

    /** A validated {@code CHECK (c IS NOT NULL)} lets SET NOT NULL skip its scan (PostgreSQL 12+). */
    private static boolean hasValidNotNullCheck(SchemaCatalog before, Table t, String column) {
        return before.objects().values().stream().anyMatch(o -> o.key().kind() == Kind.CONSTRAINT
                && t.name().equals(o.key().table()) && t.schema().equals(o.key().schema())
                && (o.definition().equals("CHECK ((" + column + " IS NOT NULL))")
                || o.definition().equals("CHECK ((" + Identifiers.quote(column) + " IS NOT NULL))")));
    }

    private void inUse(String file, SqlStatement s, Table t, String column, List<LintFinding> out) {
        long n = usage.statements(t.schema(), t.name(), column);
        if (n > 0) {
            out.add(new LintFinding(file, s.line(), LintRule.COLUMN_IN_USE, "API queries used " + t.display()
                    + (column == null ? "" : "." + column) + " recently (" + n + " of " + usage.window()
                    + "): those requests fail once it is gone"));
        }
    }

    /** Statements that change no catalog: lint reads the catalog after the others only. */
    static boolean mayChangeCatalog(SqlStatement s) {
        return !List.of("INSERT", "UPDATE", "DELETE", "SELECT", "SET", "RESET", "SHOW", "BEGIN", "START", "SAVEPOINT",
                "RELEASE", "COPY", "VALUES", "MERGE", "NOTIFY", "LOCK", "ANALYZE", "TABLE").contains(s.verb())
                && !Objects.equals(s.verb(), "");
    }
}
