package flux.migrate;

import java.util.List;

/**
 * Two schemas compared: the differences, object by object, and the SQL that takes the live one
 * to the target.
 *
 * @param differences what differs, by qualified name
 * @param statements  the SQL, in order (lines starting {@code --} say what it cannot write)
 * @param builtIn     where the target was built: "a scratch database", or "a scratch schema ..."
 * @param notes       what to know about the comparison (a changed repeatable script replayed as it is now)
 */
public record SchemaComparison(List<Difference> differences, List<String> statements, String builtIn,
                               List<String> notes) {
    public SchemaComparison {
        differences = List.copyOf(differences);
        statements = List.copyOf(statements);
        notes = List.copyOf(notes);
    }

    public boolean same() {
        return differences.isEmpty();
    }

    /** Whether the SQL would drop a table or a column. */
    public boolean destructive() {
        return differences.stream().anyMatch(Difference::destructive);
    }

    /** The statements as a script: each ends with a semicolon (comment lines as they are). */
    public String script() {
        StringBuilder sql = new StringBuilder();
        for (String s : statements) {
            sql.append(s).append(s.startsWith("-- ") ? "\n" : ";\n");
        }
        return sql.toString();
    }
}
