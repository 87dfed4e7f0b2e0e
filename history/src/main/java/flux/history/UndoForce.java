package flux.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which conflicts an undo may overwrite: none (the default), all, or the ones named
 * {@code table:id:column}, where {@code table} is {@code users} or {@code schema.users}, {@code id}
 * the row's key as history takes it (composite: {@code a,b} or the log's {@code ["a","b"]}), and
 * {@code column} a column, or {@code *} for a conflict on the whole row. A name is split at its
 * first and last colon, so ids may hold colons.
 */
public record UndoForce(boolean all, List<Name> names) {
    public static final UndoForce NONE = new UndoForce(false, List.of());
    public static final UndoForce ALL = new UndoForce(true, List.of());

    public UndoForce {
        names = List.copyOf(names);
    }

    /** One forced conflict. */
    public record Name(TableRef table, String rowId, String column) {
    }

    /** The forces named by {@code specs} ({@code table:id:column} each); {@code all} overrides every conflict. */
    public static UndoForce parse(boolean all, Collection<String> specs) {
        List<Name> names = new ArrayList<>();
        for (String spec : specs == null ? List.<String>of() : specs) {
            int first = spec.indexOf(':');
            int last = spec.lastIndexOf(':');
            if (first <= 0 || last <= first + 1 || last == spec.length() - 1) {
                throw new HistoryException.InvalidArgument("invalid force \"" + spec
                        + "\" (expected table:id:column, e.g. users:42:email, or users:42:* for the whole row)");
            }
            names.add(new Name(TableRef.parse(spec.substring(0, first)), PgText.storable("row id",
                    spec.substring(first + 1, last)), spec.substring(last + 1)));
        }
        return new UndoForce(all, names);
    }

    /** Whether the conflict on {@code column} of row {@code rowId} (the log's form) of {@code table} is forced. */
    boolean covers(TableRef table, String rowId, String column) {
        if (all) {
            return true;
        }
        for (Name n : names) {
            if (n.table().equals(table) && n.column().equals(column) && sameRow(n.rowId(), rowId)) {
                return true;
            }
        }
        return false;
    }

    /** A composite key typed {@code a,b} names the log's {@code ["a","b"]}. */
    private static boolean sameRow(String typed, String logged) {
        if (typed.equals(logged)) {
            return true;
        }
        if (!logged.startsWith("[")) {
            return false;
        }
        com.fasterxml.jackson.databind.node.ArrayNode parts = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.arrayNode();
        for (String part : typed.split(",", -1)) {
            parts.add(part);
        }
        return parts.toString().equals(logged);
    }
}
