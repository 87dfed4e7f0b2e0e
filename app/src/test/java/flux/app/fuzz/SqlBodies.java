package flux.app.fuzz;

import static flux.app.fuzz.Hostile.mix;
import static flux.app.fuzz.Hostile.weighted;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Bodies for {@code POST /v1/sql}, the audited SQL console: {@code {"sql": ...}} with hostile
 * text (NUL and control characters, unpaired surrogates, bidi overrides, injection), statements
 * that fail or that the console refuses (transaction control, too many statements, unterminated
 * quotes), the member of the wrong JSON type or missing, malformed and huge bodies. No generated
 * text writes: the oracle's "nothing changed" is then a promise of the console's, never of
 * luck (every text that could parse as a write fails before it, or is refused).
 */
final class SqlBodies {
    /** Statements that fail at PostgreSQL, or that the console refuses before anything runs. */
    private static final java.util.List<String> FAILING = java.util.List.of(
            "SELECT * FROM nowhere", "SELECT 'unterminated", "SELECT $$unterminated", "BEGIN", "COMMIT",
            "ROLLBACK", "SAVEPOINT s", "SET TRANSACTION READ WRITE", "VACUUM users", "SELECT 1; COMMIT",
            "SELECT 1/0", "SELECT pg_sleep(-1)::int/0", "/* unterminated comment", "SELECT E'\\x00'",
            "SELECT chr(0)", "DELETE FROM nowhere", "UPDATE users SET nowhere = 1", "INSERT INTO users (id) VALUES ('x')",
            "SELECT 1;".repeat(60), "-- only a comment", ";", "", "   ", "\\q", "\\d users");
    /** Reads that run (200): the console's happy path among the hostile ones. */
    private static final java.util.List<String> READS = java.util.List.of("SELECT 1", "SELECT count(*) FROM users",
            "SELECT id, email FROM users ORDER BY id LIMIT 3", "SELECT '😀' AS face, '\u202e' AS bidi",
            "SELECT repeat('x', 100000) AS long_text");

    private SqlBodies() {
    }

    /** The text sent as {@code sql}. */
    private static Arbitrary<String> sql() {
        Arbitrary<String> failingWithHostile = Combinators.combine(Arbitraries.of(FAILING), Hostile.text())
                .as((statement, text) -> statement + " " + text);
        return mix(weighted(4, Arbitraries.of(FAILING)), weighted(3, failingWithHostile),
                weighted(3, Hostile.text().map(text -> "SELECT " + text)),
                weighted(2, Hostile.text().map(text -> "SELECT " + Hostile.quote(text).replace('"', '\''))),
                weighted(2, Arbitraries.of(READS)),
                weighted(1, Arbitraries.strings().ascii().ofMinLength(1_000).ofMaxLength(200_000).map(s -> "SELECT " + s)));
    }

    /** A {@code /v1/sql} body as bytes. */
    static Arbitrary<byte[]> body() {
        Arbitrary<String> shaped = sql().map(s -> "{\"sql\":" + Hostile.quote(s) + "}");
        Arbitrary<String> wrongType = Hostile.value(2).filter(v -> !v.startsWith("\""))
                .map(v -> "{\"sql\":" + v + "}");
        Arbitrary<String> otherMembers = Combinators.combine(Hostile.text(), Hostile.value(1))
                .as((k, v) -> "{" + Hostile.quote(k) + ":" + v + "}");
        Arbitrary<String> extraMember = Combinators.combine(sql(), Hostile.text(), Hostile.value(1))
                .as((s, k, v) -> "{\"sql\":" + Hostile.quote(s) + "," + Hostile.quote(k) + ":" + v + "}");
        return QueryBodies.body(mix(weighted(12, shaped), weighted(3, wrongType), weighted(2, otherMembers),
                weighted(2, extraMember), weighted(1, Hostile.value(2))));
    }
}
