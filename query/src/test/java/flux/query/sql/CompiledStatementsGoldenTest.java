package flux.query.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.JsonCodec;
import flux.query.model.Operation;
import flux.query.model.Query;
import flux.query.model.QueryJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The exact text, parameters and refusals the compiler produces for a representative set of
 * queries (every operation, both PostgreSQL generations, with and without records, the time-travel
 * select and the images of a failed write), against the golden file
 * {@code compiled-statements.golden}. A change to any of them shows here as a diff of that file.
 * After an intended change: run with {@code -Dflux.golden.write=true} (it rewrites the file in
 * {@code src/test/resources} instead of comparing), and read the file's diff.
 */
class CompiledStatementsGoldenTest {
    private static final String GOLDEN = "compiled-statements.golden";

    private static final Column ID = column("id", 1, "integer", ColumnKind.SCALAR, ColumnEquality.CANONICAL);
    private static final Column NAME = column("Name \"x\"", 2, "text", ColumnKind.STRING, ColumnEquality.CANONICAL);
    private static final Column RAW = column("raw", 3, "bytea", ColumnKind.BYTES, ColumnEquality.CANONICAL);
    private static final Column TAGS = column("tags", 4, "text[]", ColumnKind.ARRAY, ColumnEquality.IMAGE);
    private static final Column DOC = column("doc", 5, "jsonb", ColumnKind.JSON, ColumnEquality.IMAGE);
    private static final Column GEN = new Column("gen", 6, "integer", ColumnKind.SCALAR, false, false, true,
            ColumnEquality.CANONICAL);
    private static final Table USERS = new Table("app", "users", List.of(ID, NAME, RAW, TAGS, DOC, GEN), List.of(ID));

    private static final Column NOTE = column("note", 2, "text", ColumnKind.STRING, ColumnEquality.CANONICAL);
    private static final Table PLAIN = new Table("public", "t", List.of(ID, NOTE), List.of(ID));

    private static final Column AMOUNT = column("amount", 1, "numeric", ColumnKind.SCALAR, ColumnEquality.TYPED);
    private static final Table PRICES = new Table("public", "prices", List.of(AMOUNT, NOTE), List.of(AMOUNT));

    private static final Column ORG = column("org", 1, "text", ColumnKind.STRING, ColumnEquality.CANONICAL);
    private static final Column MEMBER = column("id", 2, "integer", ColumnKind.SCALAR, ColumnEquality.CANONICAL);
    private static final Column ROLE = column("role", 3, "text", ColumnKind.STRING, ColumnEquality.CANONICAL);
    private static final Table MEMBERS = new Table("public", "members", List.of(ORG, MEMBER, ROLE), List.of(ORG, MEMBER));

    private static final Table KEYLESS = new Table("public", "events", List.of(NOTE), List.of());

    private static final Map<String, Table> TABLES = Map.of("users", USERS, "t", PLAIN, "prices", PRICES,
            "members", MEMBERS, "events", KEYLESS);

    private static Column column(String name, int position, String type, ColumnKind kind, ColumnEquality equality) {
        return new Column(name, position, type, kind, false, false, false, equality);
    }

    private final SqlCompiler pg18 = new SqlCompiler(100, 4, 180000);
    private final SqlCompiler pg17 = new SqlCompiler(100, 4, 170000);

    private static Query json(String text) {
        return QueryJson.read(JsonCodec.parse(text));
    }

    private static Table tableOf(Query query) {
        return TABLES.get(query.table());
    }

    private static Query restoring(Query api) {
        return new Query(api.table(), api.operation(), api.filters(), api.columns(), api.rows(), api.limit(),
                api.offset(), api.order(), api.all(), true);
    }

    /** Name to what it compiles to: the statement, or the refusal. */
    private Map<String, Supplier<Object>> cases() {
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        // Selects.
        compiled(cases, "select: columns with bytes, every filter op, order, capped limit, offset", """
                {"table": "users", "operation": "select", "columns": ["Name \\"x\\"", "raw"], "filters": [
                 {"column": "id", "op": "gte", "value": 5}, {"column": "Name \\"x\\"", "op": "ilike", "value": "a%"},
                 {"column": "id", "op": "like", "value": "1%"}, {"column": "id", "op": "in", "value": [1, 2]},
                 {"column": "raw", "op": "in", "value": ["AA==", null]}, {"column": "Name \\"x\\"", "op": "eq", "value": null},
                 {"column": "Name \\"x\\"", "op": "neq", "value": null}, {"column": "tags", "op": "is_null"},
                 {"column": "doc", "op": "not_null"}, {"column": "id", "op": "lt", "value": 9},
                 {"column": "id", "op": "lte", "value": 8}, {"column": "id", "op": "gt", "value": 1},
                 {"column": "id", "op": "neq", "value": 3}, {"column": "id", "op": "eq", "value": 4},
                 {"column": "doc", "op": "in", "value": [{"a": 1}]}],
                 "order": [{"column": "id", "dir": "desc"}, {"column": "raw", "dir": "asc"}], "limit": 1000, "offset": 20}""");
        compiled(cases, "select: every column of a table with bytes, default limit", """
                {"table": "users", "operation": "select"}""");
        compiled(cases, "select: plain table, limit under the cap, offset 0", """
                {"table": "t", "operation": "select", "limit": 5, "offset": 0}""");
        compiled(cases, "select: named columns of a plain table", """
                {"table": "t", "operation": "select", "columns": ["note"], "filters": [{"column": "note", "op": "like", "value": "x"}]}""");
        Query asOf = json("""
                {"table": "users", "operation": "select", "columns": ["id"], "filters": [{"column": "id", "op": "gt", "value": 2}],
                 "order": [{"column": "id", "dir": "asc"}], "limit": 3, "offset": 1}""");
        cases.put("selectFrom: a time-travel select over a source with its own values",
                () -> pg18.selectFrom(asOf, USERS, "SELECT * FROM rebuilt WHERE at <= CAST(? AS timestamptz)",
                        List.of("2026-01-01T00:00:00Z")));
        // Inserts.
        compiled(cases, "insert: one row, records", """
                {"table": "t", "operation": "insert", "data": {"note": "n", "id": 7}}""");
        cases.put("insert: one row, no records", () -> pg18.compile(json("""
                {"table": "t", "operation": "insert", "data": {"id": 7}}"""), PLAIN, false));
        compiled(cases, "insert: bulk with defaults, nulls, bytes, arrays, json", """
                {"table": "users", "operation": "insert", "data": [
                 {"tags": ["a", null, {"k": 1}], "id": 1, "doc": {"k": [1]}, "raw": null},
                 {"raw": "AA==", "id": 2, "Name \\"x\\"": "n", "doc": null},
                 {"id": 3, "Name \\"x\\"": null}]}""");
        compiled(cases, "insert: default values", """
                {"table": "t", "operation": "insert", "data": {}}""");
        compiled(cases, "insert: returning named columns", """
                {"table": "users", "operation": "insert", "columns": ["raw", "id"], "data": {"id": 1, "raw": "AQI="}}""");
        cases.put("insert: restoring", () -> pg18.compile(restoring(json("""
                {"table": "users", "operation": "insert", "data": [{"id": 1, "Name \\"x\\"": "a"}, {"id": 2}]}""")),
                USERS, true));
        cases.put("insert: restoring, default values", () -> pg18.compile(restoring(json("""
                {"table": "t", "operation": "insert", "data": {}}""")), PLAIN, false));
        // Updates, on both generations.
        for (SqlCompiler compiler : List.of(pg18, pg17)) {
            String pg = compiler == pg18 ? "pg18 " : "pg17 ";
            compiled(cases, compiler, pg + "update: by key, records", """
                    {"table": "users", "operation": "update", "data": {"tags": ["b"], "Name \\"x\\"": "m", "raw": "AA=="},
                     "filters": [{"column": "id", "op": "eq", "value": 1}]}""");
            cases.put(pg + "update: by key, no records", () -> compiler.compile(json("""
                    {"table": "users", "operation": "update", "data": {"doc": null},
                     "filters": [{"column": "id", "op": "eq", "value": "1"}]}"""), USERS, false));
            compiled(cases, compiler, pg + "update: assigns the key", """
                    {"table": "t", "operation": "update", "data": {"id": 8, "note": "k"},
                     "filters": [{"column": "id", "op": "eq", "value": 7}]}""");
            compiled(cases, compiler, pg + "update: many rows", """
                    {"table": "t", "operation": "update", "data": {"note": "x"},
                     "filters": [{"column": "id", "op": "gt", "value": 7}]}""");
            compiled(cases, compiler, pg + "update: all rows", """
                    {"table": "t", "operation": "update", "data": {"note": "x"}, "all": true}""");
            compiled(cases, compiler, pg + "update: a key whose equal values print differently", """
                    {"table": "prices", "operation": "update", "data": {"note": "x"},
                     "filters": [{"column": "amount", "op": "eq", "value": 1.50}]}""");
            compiled(cases, compiler, pg + "update: composite key, whole", """
                    {"table": "members", "operation": "update", "data": {"role": "r"},
                     "filters": [{"column": "id", "op": "eq", "value": 2}, {"column": "org", "op": "eq", "value": "a"}]}""");
            compiled(cases, compiler, pg + "update: composite key, part of it assigned", """
                    {"table": "members", "operation": "update", "data": {"org": "b"},
                     "filters": [{"column": "org", "op": "eq", "value": "a"}]}""");
        }
        // Deletes.
        compiled(cases, "delete: by key", """
                {"table": "users", "operation": "delete", "filters": [{"column": "id", "op": "eq", "value": 1}]}""");
        cases.put("delete: all rows, no records", () -> pg18.compile(json("""
                {"table": "t", "operation": "delete", "all": true}"""), PLAIN, false));
        compiled(cases, "delete: many rows", """
                {"table": "t", "operation": "delete", "filters": [{"column": "note", "op": "in", "value": ["a", "b"]}]}""");
        compiled(cases, "delete: a key whose equal values print differently", """
                {"table": "prices", "operation": "delete", "filters": [{"column": "amount", "op": "eq", "value": "2"}]}""");
        compiled(cases, "delete: composite key, whole", """
                {"table": "members", "operation": "delete", "filters": [
                 {"column": "org", "op": "eq", "value": "a"}, {"column": "id", "op": "eq", "value": 2}]}""");
        cases.put("pg17 delete: by key", () -> pg17.compile(json("""
                {"table": "users", "operation": "delete", "filters": [{"column": "id", "op": "eq", "value": 1}]}"""), USERS));
        // The images of a failed update or delete.
        attempted(cases, "attemptedImages: update", """
                {"table": "users", "operation": "update", "data": {"tags": ["b"], "id": 3},
                 "filters": [{"column": "id", "op": "eq", "value": 1}]}""");
        attempted(cases, "attemptedImages: update of all rows", """
                {"table": "t", "operation": "update", "data": {"note": "x"}, "all": true}""");
        attempted(cases, "attemptedImages: delete, composite key", """
                {"table": "members", "operation": "delete", "filters": [{"column": "org", "op": "neq", "value": "a"}]}""");
        attempted(cases, "attemptedImages: an update without data", """
                {"table": "t", "operation": "update", "all": true}""");
        // Refusals, in the order the compiler checks.
        compiled(cases, "refused: insert into a table without a key", """
                {"table": "events", "operation": "insert", "data": {"note": "x"}}""");
        compiled(cases, "refused: update of a table without a key", """
                {"table": "events", "operation": "update", "data": {"note": "x"}, "all": true}""");
        compiled(cases, "refused: delete from a table without a key", """
                {"table": "events", "operation": "delete", "all": true}""");
        compiled(cases, "refused: insert with filters", """
                {"table": "t", "operation": "insert", "filters": [{"column": "id", "op": "eq", "value": 1}]}""");
        compiled(cases, "refused: insert without data", """
                {"table": "t", "operation": "insert"}""");
        compiled(cases, "refused: bulk insert without columns", """
                {"table": "t", "operation": "insert", "data": [{}, {}]}""");
        compiled(cases, "refused: insert of a generated column", """
                {"table": "users", "operation": "insert", "data": {"id": 1, "gen": 2}}""");
        compiled(cases, "refused: insert of an unknown column before a generated one", """
                {"table": "users", "operation": "insert", "data": {"nope": 1, "gen": 2}}""");
        compiled(cases, "refused: insert of a value of the wrong shape", """
                {"table": "users", "operation": "insert", "data": {"id": 1, "tags": "x"}}""");
        compiled(cases, "refused: update without data", """
                {"table": "t", "operation": "update"}""");
        compiled(cases, "refused: update with empty data", """
                {"table": "t", "operation": "update", "data": {}, "all": true}""");
        cases.put("refused: update with two rows", () -> pg18.compile(new Query("t", Operation.UPDATE, List.of(),
                List.of(), List.of(row("note", "a"), row("note", "b")), null, null, List.of(), true), PLAIN));
        compiled(cases, "refused: update without filters", """
                {"table": "t", "operation": "update", "data": {"note": "x"}}""");
        compiled(cases, "refused: update with filters and all", """
                {"table": "t", "operation": "update", "data": {"note": "x"}, "all": true,
                 "filters": [{"column": "id", "op": "eq", "value": 1}]}""");
        compiled(cases, "refused: update of a generated column", """
                {"table": "users", "operation": "update", "data": {"gen": 1}, "all": true}""");
        compiled(cases, "refused: delete with data", """
                {"table": "t", "operation": "delete", "data": {"id": 1}}""");
        compiled(cases, "refused: delete without filters", """
                {"table": "t", "operation": "delete"}""");
        compiled(cases, "refused: delete with filters and all", """
                {"table": "t", "operation": "delete", "all": true, "filters": [{"column": "id", "op": "eq", "value": 1}]}""");
        compiled(cases, "refused: delete with a limit and a long in list", """
                {"table": "t", "operation": "delete", "limit": 1,
                 "filters": [{"column": "id", "op": "in", "value": [1, 2, 3, 4, 5]}]}""");
        compiled(cases, "refused: update with an order", """
                {"table": "t", "operation": "update", "data": {"note": "x"}, "all": true, "order": [{"column": "id", "dir": "asc"}]}""");
        compiled(cases, "refused: insert with an offset", """
                {"table": "t", "operation": "insert", "data": {"id": 1}, "offset": 0}""");
        compiled(cases, "refused: select with a long in list", """
                {"table": "t", "operation": "select", "filters": [{"column": "id", "op": "in", "value": [1, 2, 3, 4, 5]}]}""");
        compiled(cases, "refused: select of an unknown column", """
                {"table": "t", "operation": "select", "columns": ["id; --"]}""");
        compiled(cases, "refused: select ordered by an unknown column", """
                {"table": "t", "operation": "select", "order": [{"column": "x", "dir": "asc"}]}""");
        compiled(cases, "refused: a comparison with null", """
                {"table": "t", "operation": "select", "filters": [{"column": "id", "op": "gt", "value": null}]}""");
        compiled(cases, "refused: like with a number", """
                {"table": "t", "operation": "select", "filters": [{"column": "note", "op": "like", "value": 1}]}""");
        Query update = json("""
                {"table": "t", "operation": "update", "data": {"note": "x"}, "all": true}""");
        cases.put("refused: selectFrom of an update", () -> pg18.selectFrom(update, PLAIN, "SELECT 1", List.of()));
        cases.put("refused: selectFrom with a long in list", () -> pg18.selectFrom(json("""
                {"table": "t", "operation": "select", "filters": [{"column": "id", "op": "in", "value": [1, 2, 3, 4, 5]}]}"""),
                PLAIN, "SELECT 1", List.of()));
        List<ObjectNode> rows = new ArrayList<>();
        IntStream.range(0, SqlCompiler.MAX_BOUND_VALUES / 2 + 1).forEach(i -> rows.add(row("id", i).put("note", "n")));
        cases.put("refused: a bulk insert binding too many values", () -> pg18.compile(new Query("t", Operation.INSERT,
                List.of(), List.of(), rows, null, null, List.of(), false), PLAIN));
        return cases;
    }

    private static ObjectNode row(String column, Object value) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        return value instanceof Integer i ? row.put(column, i) : row.put(column, (String) value);
    }

    private void compiled(Map<String, Supplier<Object>> cases, String name, String query) {
        compiled(cases, pg18, name, query);
    }

    private static void compiled(Map<String, Supplier<Object>> cases, SqlCompiler compiler, String name, String query) {
        cases.put(name, () -> {
            Query q = json(query);
            return compiler.compile(q, tableOf(q));
        });
    }

    private void attempted(Map<String, Supplier<Object>> cases, String name, String query) {
        cases.put(name, () -> {
            Query q = json(query);
            return pg18.attemptedImages(q, tableOf(q));
        });
    }

    private static String render(String name, Supplier<Object> compile) {
        StringBuilder out = new StringBuilder("== ").append(name).append('\n');
        Object result;
        try {
            result = compile.get();
        } catch (RuntimeException e) {
            String reason = e instanceof InvalidQuery invalid ? " " + invalid.reason() : "";
            return out.append("refused: ").append(e.getClass().getSimpleName()).append(reason).append(": ")
                    .append(e.getMessage()).append('\n').toString();
        }
        SqlStatement s = (SqlStatement) result;
        out.append("leading statements: ").append(s.leadingStatements()).append('\n').append(s.text()).append('\n');
        StringJoiner params = new StringJoiner(", ", "params: [", "]");
        for (Object p : s.params()) {
            params.add(param(p));
        }
        return out.append(params).append('\n').toString();
    }

    private static String param(Object p) {
        if (p == null) {
            return "null";
        }
        if (p instanceof String text) {
            return JsonCodec.write(JsonNodeFactory.instance.textNode(text));
        }
        if (p instanceof Long l) {
            return l + "L";
        }
        if (p instanceof String[] array) {
            StringJoiner elements = new StringJoiner(", ", "text[]{", "}");
            for (String e : array) {
                elements.add(param(e));
            }
            return elements.toString();
        }
        throw new IllegalStateException("unexpected parameter " + p.getClass());
    }

    @Test
    void everyCaseCompilesToTheTextParametersAndRefusalsOfTheGoldenFile() throws IOException {
        Map<String, String> actual = new LinkedHashMap<>();
        cases().forEach((name, compile) -> actual.put(name, render(name, compile)));
        if (Boolean.getBoolean("flux.golden.write")) {
            Path file = Path.of("src/test/resources/flux/query/sql", GOLDEN);
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("", actual.values()));
            return;
        }
        Map<String, String> expected = golden();
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        actual.forEach((name, text) -> assertThat(text).as(name).isEqualTo(expected.get(name)));
    }

    /** The golden file's blocks by case name: each block runs from its {@code == name} line to the next. */
    private static Map<String, String> golden() throws IOException {
        String text;
        try (InputStream in = CompiledStatementsGoldenTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(in).as(GOLDEN + " on the test class path").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> blocks = new LinkedHashMap<>();
        for (String block : text.split("(?m)^(?=== )")) {
            if (!block.isEmpty()) {
                blocks.put(block.substring(3, block.indexOf('\n')), block);
            }
        }
        return blocks;
    }
}
