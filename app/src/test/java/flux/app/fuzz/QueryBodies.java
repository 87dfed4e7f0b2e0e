package flux.app.fuzz;

import static flux.app.fuzz.Hostile.mix;
import static flux.app.fuzz.Hostile.weighted;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Bodies for {@code /v1/query} and {@code /v1/transaction}: queries shaped like the API's (the
 * fixture's tables and columns, the real operators) with any part replaced by something hostile,
 * missing or of the wrong JSON type, so that most cases get past the JSON parser and reach
 * validation, the catalog, the compiler and PostgreSQL; then some bodies mutated byte by byte
 * (truncated, invalid UTF-8, stray bytes), and a few huge or deeply nested ones.
 */
final class QueryBodies {
    static final List<String> TABLES = List.of("users", "orders", "notes", "public.users", "public.notes");
    static final List<String> COLUMNS = List.of("id", "email", "plan", "score", "active", "created", "tags", "meta",
            "uid", "mood", "user_id", "n", "total", "day", "body", "data");
    static final List<String> OPERATIONS = List.of("select", "insert", "update", "delete");
    static final List<String> OPERATORS = List.of("eq", "neq", "gt", "lt", "gte", "lte", "like", "ilike", "in", "is_null",
            "not_null");

    private QueryBodies() {
    }

    /** A string member value drawn mostly from {@code known}, sometimes hostile text, sometimes another JSON type. */
    private static Arbitrary<String> name(List<String> known) {
        return mix(
                weighted(8, Arbitraries.of(known).map(Hostile::quote)),
                weighted(2, Hostile.text().map(Hostile::quote)),
                weighted(1, Hostile.value(1)));
    }

    /** A value for a column: plausible for some column type, or anything; {@code in} lists up to thousands long. */
    private static Arbitrary<String> columnValue() {
        Arbitrary<String> plausible = Arbitraries.of("1", "2", "3", "42", "1.5", "-1", "0", "\"a@b.com\"", "\"pro\"",
                "\"free\"", "true", "false", "null", "[\"x\", null]", "{\"k\": [1, 2]}", "\"2026-03-10T12:00:00Z\"",
                "\"2026-03-10\"", "\"6f1c0a9e-8c1b-4c7e-9a43-3b4a5f7d2e10\"", "\"ok\"", "\"aGk=\"", "[1, 2, 3]", "[]");
        Arbitrary<String> longList = Arbitraries.integers().between(0, 5000).list().ofMinSize(100).ofMaxSize(3000)
                .map(l -> l.toString());
        return mix(weighted(6, plausible), weighted(4, Hostile.value(2)), weighted(1, longList));
    }

    private static Arbitrary<String> filter() {
        Arbitrary<String> member = Combinators.combine(
                optional(name(COLUMNS)), optional(name(OPERATORS)), optional(columnValue()),
                Arbitraries.integers().between(0, 20))
                .as((column, op, value, extra) -> object(
                        column.map(c -> "\"column\":" + c), op.map(o -> "\"op\":" + o), value.map(v -> "\"value\":" + v),
                        extra == 0 ? Optional.of("\"or\":true") : Optional.empty()));
        return mix(weighted(12, member), weighted(1, Hostile.value(1)));
    }

    private static Arbitrary<String> data() {
        Arbitrary<String> row = Combinators.combine(name(COLUMNS), columnValue()).as((k, v) -> k + ":" + v)
                .list().ofMaxSize(5).map(l -> "{" + String.join(",", l) + "}");
        return mix(
                weighted(6, row),
                weighted(2, row.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")),
                weighted(1, Hostile.value(1)));
    }

    private static Arbitrary<String> list(Arbitrary<String> element, int max) {
        return mix(
                weighted(8, element.list().ofMaxSize(max).map(l -> "[" + String.join(",", l) + "]")),
                weighted(1, Hostile.value(1)));
    }

    private static Arbitrary<String> order() {
        Arbitrary<String> one = Combinators.combine(name(COLUMNS), optional(name(List.of("asc", "desc"))))
                .as((c, d) -> object(Optional.of("\"column\":" + c), d.map(x -> "\"dir\":" + x)));
        return list(one, 3);
    }

    /** Plausible values of each fixture column: valid ones, near misses (range, length, format), and some of any type. */
    private static final java.util.Map<String, Arbitrary<String>> VALUES = java.util.Map.ofEntries(
            java.util.Map.entry("id", Arbitraries.integers().between(-1, 60).map(String::valueOf)),
            java.util.Map.entry("user_id", Arbitraries.integers().between(0, 8).map(String::valueOf)),
            java.util.Map.entry("n", Arbitraries.integers().between(0, 5).map(String::valueOf)),
            java.util.Map.entry("email", Arbitraries.integers().between(0, 30).map(i -> "\"u" + i + "@x.com\"")),
            java.util.Map.entry("plan", Arbitraries.of("\"free\"", "\"pro\"", "\"team\"", "null")),
            java.util.Map.entry("score", Arbitraries.of("1.5", "0", "-1", "99999999.99", "100000000", "\"2.50\"", "1e2")),
            java.util.Map.entry("active", Arbitraries.of("true", "false", "\"t\"", "\"yes\"", "\"maybe\"", "null")),
            java.util.Map.entry("created", Arbitraries.of("\"2026-03-10T12:00:00Z\"", "\"2026-03-10 12:00\"", "\"now\"",
                    "\"2026-02-30T00:00:00Z\"", "\"infinity\"")),
            java.util.Map.entry("tags", Arbitraries.of("[\"a\", \"b\"]", "[]", "[null]", "[[\"nested\"]]", "[1, 2]")),
            java.util.Map.entry("meta", Hostile.value(2)),
            java.util.Map.entry("uid", Arbitraries.of("\"6f1c0a9e-8c1b-4c7e-9a43-3b4a5f7d2e10\"", "\"6f1c0a9e\"", "\"\"")),
            java.util.Map.entry("mood", Arbitraries.of("\"ok\"", "\"sad\"", "\"happy\"", "\"OK\"")),
            java.util.Map.entry("total", Arbitraries.of("9.90", "0.1", "-5", "1e400", "\"12.3456789012345678901234567890\"")),
            java.util.Map.entry("day", Arbitraries.of("\"2026-03-10\"", "\"2026-13-01\"", "\"today\"", "\"10/03/2026\"")),
            java.util.Map.entry("body", Arbitraries.strings().alpha().ofMaxLength(25).map(Hostile::quote)),
            java.util.Map.entry("data", Arbitraries.of("\"aGk=\"", "\"not base64!\"", "\"\"", "\"\\\\x00ff\"")));
    private static final java.util.Map<String, List<String>> TABLE_COLUMNS = java.util.Map.of(
            "users", List.of("id", "email", "plan", "score", "active", "created", "tags", "meta", "uid", "mood"),
            "orders", List.of("user_id", "n", "total", "day"),
            "notes", List.of("id", "body", "data"));

    private static Arbitrary<String> valueOf(String column) {
        return mix(weighted(5, VALUES.get(column)), weighted(1, Hostile.value(1)));
    }

    private static Arbitrary<String> typedFilter(List<String> columns) {
        return Arbitraries.of(columns).flatMap(column -> Arbitraries.of(OPERATORS).flatMap(op -> {
            Arbitrary<String> value = switch (op) {
                case "in" -> valueOf(column).list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]");
                case "is_null", "not_null" -> Arbitraries.<String>just(null);
                case "like", "ilike" -> Arbitraries.of("\"%\"", "\"a%\"", "\"_\"", "\"\\\\\"");
                default -> valueOf(column);
            };
            return value.map(v -> "{\"column\":" + Hostile.quote(column) + ",\"op\":\"" + op + "\""
                    + (v == null ? "" : ",\"value\":" + v) + "}");
        }));
    }

    private static Arbitrary<String> row(List<String> columns) {
        return Arbitraries.subsetOf(columns).ofMinSize(1).flatMap(chosen -> {
            List<Arbitrary<String>> members = chosen.stream().map(c -> valueOf(c).map(v -> Hostile.quote(c) + ":" + v)).toList();
            return Combinators.combine(members).as(l -> "{" + String.join(",", l) + "}");
        });
    }

    /**
     * A query that could be valid: a fixture table, an operation, and members that fit both (the
     * table's columns, values of their types, mostly), as members (key, JSON value) so that
     * {@link #perturbed} can break exactly one of them.
     */
    private static Arbitrary<List<String[]>> plausible() {
        return Arbitraries.of("users", "orders", "notes").flatMap(table -> {
            List<String> columns = TABLE_COLUMNS.get(table);
            Arbitrary<String> filters = typedFilter(columns).list().ofMinSize(1).ofMaxSize(3)
                    .map(l -> "[" + String.join(",", l) + "]");
            Arbitrary<String> data = mix(weighted(3, row(columns)),
                    weighted(1, row(columns).list().ofMinSize(1).ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")));
            Arbitrary<String> selected = Arbitraries.subsetOf(columns).ofMinSize(1)
                    .map(l -> "[" + String.join(",", l.stream().map(Hostile::quote).toList()) + "]");
            return Arbitraries.of(OPERATIONS).flatMap(op -> switch (op) {
                case "select" -> Combinators.combine(optional(filters), optional(selected),
                        optional(Arbitraries.integers().between(0, 1001).map(String::valueOf)))
                        .as((f, c, l) -> members(table, op, "filters", f, "columns", c, "limit", l));
                case "insert" -> data.map(d -> members(table, op, "data", Optional.of(d)));
                case "update" -> Combinators.combine(data.map(Optional::of), filters.map(Optional::of))
                        .as((d, f) -> members(table, op, "data", d, "filters", f));
                default -> filters.map(f -> members(table, op, "filters", Optional.of(f)));
            });
        });
    }

    private static List<String[]> members(String table, String op, Object... namedValues) {
        List<String[]> members = new ArrayList<>();
        members.add(new String[] {"table", Hostile.quote(table)});
        members.add(new String[] {"operation", Hostile.quote(op)});
        for (int i = 0; i < namedValues.length; i += 2) {
            String key = (String) namedValues[i];
            @SuppressWarnings("unchecked")
            Optional<String> value = (Optional<String>) namedValues[i + 1];
            value.ifPresent(v -> members.add(new String[] {key, v}));
        }
        return members;
    }

    /** The query with one member dropped, given a hostile value, renamed, or one member added. */
    private static Arbitrary<String> perturbed(Arbitrary<List<String[]>> queries) {
        return Combinators.combine(queries, Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1),
                Hostile.value(1), Hostile.text()).as((members, action, where, value, key) -> {
                    List<String[]> changed = new ArrayList<>(members);
                    int i = Math.min(changed.size() - 1, (int) (where * changed.size()));
                    switch (action) {
                        case 0 -> changed.remove(i);
                        case 1 -> changed.set(i, new String[] {changed.get(i)[0], value});
                        case 2 -> changed.set(i, new String[] {key, changed.get(i)[1]});
                        default -> changed.add(i, new String[] {key, value});
                    }
                    return render(changed);
                });
    }

    private static String render(List<String[]> members) {
        return "{" + String.join(",", members.stream().map(m -> Hostile.quote(m[0]) + ":" + m[1]).toList()) + "}";
    }

    /** One query object (or, rarely, not an object at all). */
    static Arbitrary<String> query() {
        return mix(weighted(8, plausible().map(QueryBodies::render)), weighted(8, perturbed(plausible())),
                weighted(4, anything()));
    }

    /** Any object with the API's member names, each value drawn loosely. */
    private static Arbitrary<String> anything() {
        Arbitrary<String> limits = mix(weighted(3, Arbitraries.integers().between(-2, 2000)
                .map(String::valueOf)), weighted(1, Hostile.scalar()));
        Arbitrary<String> shaped = Combinators.combine(
                        optional(name(TABLES)), optional(name(OPERATIONS)), optional(list(filter(), 4)),
                        optional(list(name(COLUMNS), 4)), optional(data()), optional(limits), optional(order()),
                        optional(Arbitraries.of("true", "false", "\"true\"", "1", "null")))
                .as((table, op, filters, columns, data, limit, order, all) -> object(
                        table.map(t -> "\"table\":" + t), op.map(o -> "\"operation\":" + o),
                        filters.map(f -> "\"filters\":" + f), columns.map(c -> "\"columns\":" + c),
                        data.map(d -> "\"data\":" + d), limit.map(l -> "\"limit\":" + l),
                        order.map(o -> "\"order\":" + o), all.map(a -> "\"all\":" + a)));
        Arbitrary<String> withExtra = Combinators.combine(shaped, Hostile.text(), Hostile.value(1))
                .as((q, key, value) -> q.length() > 2 ? q.substring(0, q.length() - 1) + "," + Hostile.quote(key) + ":"
                        + value + "}" : q);
        return mix(weighted(20, shaped), weighted(2, withExtra), weighted(1, Hostile.value(2)));
    }

    /** A {@code /v1/query} body as bytes. */
    static Arbitrary<byte[]> queryBody() {
        return body(query());
    }

    /** A {@code /v1/transaction} body as bytes: a list of queries, or the wrong shape. */
    static Arbitrary<byte[]> transactionBody() {
        Arbitrary<String> queries = query().list().ofMaxSize(5).map(l -> "{\"queries\":[" + String.join(",", l) + "]}");
        Arbitrary<String> tooMany = Arbitraries.integers().between(101, 120)
                .map(n -> "{\"queries\":[" + String.join(",", java.util.Collections.nCopies(n,
                        "{\"table\":\"users\",\"operation\":\"select\"}")) + "]}");
        Arbitrary<String> wrong = Combinators.combine(Hostile.text(), Hostile.value(2))
                .as((k, v) -> "{" + Hostile.quote(k) + ":" + v + "}");
        return body(mix(weighted(20, queries), weighted(1, tooMany), weighted(2, wrong),
                weighted(1, Hostile.value(2))));
    }

    /** JSON texts as bodies: mostly as they are, some mutated byte by byte, a few extreme. */
    static Arbitrary<byte[]> body(Arbitrary<String> json) {
        Arbitrary<byte[]> plain = json.map(s -> s.getBytes(StandardCharsets.UTF_8));
        return mix(weighted(40, plain), weighted(8, mutated(plain)), weighted(1, extreme()));
    }

    /** A body changed byte by byte: cut short, a byte replaced (often by one that is not UTF-8), a span repeated. */
    static Arbitrary<byte[]> mutated(Arbitrary<byte[]> bodies) {
        return Combinators.combine(bodies, Arbitraries.integers().between(0, 2), Arbitraries.doubles().between(0, 1),
                Hostile.bytes()).as((body, kind, where, bytes) -> {
                    int at = (int) (where * body.length);
                    switch (kind) {
                        case 0:
                            return Arrays.copyOf(body, at);
                        case 1: {
                            byte[] out = new byte[body.length + bytes.length];
                            System.arraycopy(body, 0, out, 0, at);
                            System.arraycopy(bytes, 0, out, at, bytes.length);
                            System.arraycopy(body, at, out, at + bytes.length, body.length - at);
                            return out;
                        }
                        default: {
                            byte[] span = Arrays.copyOfRange(body, at, Math.min(body.length, at + 12));
                            byte[] out = new byte[body.length + span.length];
                            System.arraycopy(body, 0, out, 0, at + span.length);
                            System.arraycopy(span, 0, out, at + span.length, span.length);
                            System.arraycopy(body, at + span.length, out, at + 2 * span.length, body.length - at - span.length);
                            return out;
                        }
                    }
                });
    }

    /** Rare and costly: nesting far beyond the parser's bound, a body just over the size limit, an empty one. */
    private static Arbitrary<byte[]> extreme() {
        return Arbitraries.of("[".repeat(10_000), "{\"table\":\"users\",\"operation\":\"select\",\"filters\":"
                        + "[".repeat(3_000) + "]".repeat(3_000) + "}", "", "{\"table\":\"" + "u".repeat(1_100_000) + "\"}",
                "{\"table\":\"users\",\"operation\":\"delete\",\"filters\":[" + String.join(",",
                        java.util.Collections.nCopies(4000, "{\"column\":\"id\",\"op\":\"in\",\"value\":[1,2]}")) + "]}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /** Present (with its value) three times in four. */
    private static Arbitrary<Optional<String>> optional(Arbitrary<String> value) {
        return mix(weighted(3, value.map(Optional::of)), weighted(1, Arbitraries.just(Optional.<String>empty())));
    }

    @SafeVarargs
    private static String object(Optional<String>... members) {
        List<String> present = new ArrayList<>();
        for (Optional<String> m : members) {
            m.ifPresent(present::add);
        }
        return "{" + String.join(",", present) + "}";
    }
}
