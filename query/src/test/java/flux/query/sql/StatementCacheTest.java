package flux.query.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.JsonCodec;
import flux.query.model.Query;
import flux.query.model.QueryJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiler's statement cache: one compile per query shape, each query's own values bound. */
class StatementCacheTest {
    private static final Column ID = new Column("id", 1, "integer", ColumnKind.SCALAR, true, false, false, ColumnEquality.CANONICAL);
    private static final Column NAME = new Column("name", 2, "text", ColumnKind.STRING, false, false, false, ColumnEquality.CANONICAL);
    private static final Column RAW = new Column("raw", 3, "bytea", ColumnKind.BYTES, false, false, false, ColumnEquality.CANONICAL);
    private static final Column TAGS = new Column("tags", 4, "text[]", ColumnKind.ARRAY, false, false, false, ColumnEquality.IMAGE);
    private static final Column DOC = new Column("doc", 5, "jsonb", ColumnKind.JSON, false, false, false, ColumnEquality.IMAGE);
    private static final Column PRICE = new Column("price", 6, "numeric", ColumnKind.SCALAR, false, false, false, ColumnEquality.IMAGE);
    private static final List<Column> COLUMNS = List.of(ID, NAME, RAW, TAGS, DOC, PRICE);
    private static final Table ITEMS = new Table("app", "items", COLUMNS, List.of(ID));
    private static final Table NUMBERED = new Table("app", "numbered", COLUMNS, List.of(PRICE));

    private static Query json(String text) {
        return QueryJson.read(JsonCodec.parse(text));
    }

    private static SqlCompiler compiler(int serverVersion) {
        return new SqlCompiler(100, 100, serverVersion);
    }

    @Test
    void aRepeatedShapeCompilesOnceAndBindsEachQuerysOwnValues() {
        SqlCompiler compiler = compiler(180000);
        SqlStatement first = compiler.compile(json("""
                {"table": "items", "operation": "insert", "data": {"id": 1, "name": "a"}}"""), ITEMS, false);
        SqlStatement second = compiler.compile(json("""
                {"table": "items", "operation": "insert", "data": {"id": 2, "name": "b"}}"""), ITEMS, false);
        assertThat(second.text()).isSameAs(first.text());
        assertThat(second.prefixedText("SELECT 1;\n")).isSameAs(first.prefixedText("SELECT 1;\n"));
        assertThat(first.params()).containsExactly("1", "a", "app", "items");
        assertThat(second.params()).containsExactly("2", "b", "app", "items");
        assertThat(compiler.cachedShapes()).isEqualTo(1);
    }

    @Test
    void aRestoringInsertIsAShapeOfItsOwnThatOverridesIdentityValues() {
        SqlCompiler compiler = compiler(180000);
        Query api = json("""
                {"table": "items", "operation": "insert", "data": {"id": 1, "name": "a"}}""");
        Query restoring = new Query(api.table(), api.operation(), api.filters(), api.columns(), api.rows(), null, null,
                List.of(), false, true);
        SqlStatement plain = compiler.compile(api, ITEMS, false);
        SqlStatement restored = compiler.compile(restoring, ITEMS, false);
        assertThat(plain.text()).doesNotContain("OVERRIDING");
        assertThat(restored.text()).contains("(\"id\", \"name\") OVERRIDING SYSTEM VALUE VALUES");
        assertThat(compiler.compile(api, ITEMS, false).text()).as("the API's shape is not the restoring one")
                .isSameAs(plain.text());
    }

    /** Pairs of queries of one shape with other values: the second, bound from the cache, equals a fresh compile of it. */
    @Test
    void everyStatementBoundFromTheCacheEqualsAFreshCompile() {
        List<List<String>> pairs = List.of(
                List.of("""
                        {"table": "items", "operation": "select", "columns": ["name", "raw"], "filters": [
                         {"column": "id", "op": "gte", "value": 5}, {"column": "name", "op": "ilike", "value": "a%"},
                         {"column": "id", "op": "in", "value": [1, 2]}, {"column": "name", "op": "eq", "value": null},
                         {"column": "raw", "op": "in", "value": ["AA=="]}, {"column": "tags", "op": "is_null"}],
                         "order": [{"column": "id", "dir": "desc"}], "limit": 7, "offset": 3}""", """
                        {"table": "items", "operation": "select", "columns": ["name", "raw"], "filters": [
                         {"column": "id", "op": "gte", "value": 9}, {"column": "name", "op": "ilike", "value": "b%"},
                         {"column": "id", "op": "in", "value": [3, 4, 5]}, {"column": "name", "op": "eq", "value": null},
                         {"column": "raw", "op": "in", "value": ["AQ==", null]}, {"column": "tags", "op": "is_null"}],
                         "order": [{"column": "id", "dir": "desc"}], "limit": 500, "offset": 40}"""),
                List.of("""
                        {"table": "items", "operation": "insert", "data": [{"id": 1, "tags": ["a", null], "doc": {"k": [1]}},
                         {"raw": "AA==", "id": 2, "price": 1.50}]}""", """
                        {"table": "items", "operation": "insert", "data": [{"id": 3, "tags": [], "doc": {"k": {"x": 0.1}}},
                         {"raw": "AQ==", "id": 4, "price": 1e400}]}"""),
                List.of("""
                        {"table": "items", "operation": "update", "data": {"name": "x", "raw": "AA==", "doc": [1]},
                         "filters": [{"column": "id", "op": "eq", "value": 1}]}""", """
                        {"table": "items", "operation": "update", "data": {"name": "y", "raw": "AQ==", "doc": [2, 3]},
                         "filters": [{"column": "id", "op": "eq", "value": 2}]}"""),
                List.of("""
                        {"table": "numbered", "operation": "update", "data": {"price": 2}, "filters": [
                         {"column": "name", "op": "like", "value": "%"}, {"column": "price", "op": "eq", "value": 1.5}]}""", """
                        {"table": "numbered", "operation": "update", "data": {"price": 3}, "filters": [
                         {"column": "name", "op": "like", "value": "z%"}, {"column": "price", "op": "eq", "value": 2.50}]}"""),
                List.of("""
                        {"table": "items", "operation": "update", "data": {"id": 5}, "filters": [
                         {"column": "name", "op": "neq", "value": "a"}]}""", """
                        {"table": "items", "operation": "update", "data": {"id": 6}, "filters": [
                         {"column": "name", "op": "neq", "value": "b"}]}"""),
                List.of("""
                        {"table": "items", "operation": "delete", "filters": [{"column": "id", "op": "eq", "value": "1"}]}""", """
                        {"table": "items", "operation": "delete", "filters": [{"column": "id", "op": "eq", "value": "2"}]}"""),
                List.of("""
                        {"table": "items", "operation": "delete", "all": true}""", """
                        {"table": "items", "operation": "delete", "all": true}"""));
        for (int serverVersion : new int[] {170000, 180000}) {
            for (List<String> pair : pairs) {
                SqlCompiler warm = compiler(serverVersion);
                warm.compile(json(pair.get(0)), pair.get(0).contains("numbered") ? NUMBERED : ITEMS, true);
                Table table = pair.get(1).contains("numbered") ? NUMBERED : ITEMS;
                SqlStatement cached = warm.compile(json(pair.get(1)), table, true);
                SqlStatement fresh = compiler(serverVersion).compile(json(pair.get(1)), table, true);
                assertThat(warm.cachedShapes()).as(pair.get(1)).isEqualTo(1);
                assertThat(cached.text()).as(pair.get(1)).isEqualTo(fresh.text());
                assertThat(cached.leadingStatements()).isEqualTo(fresh.leadingStatements());
                assertThat(cached.params()).as(pair.get(1)).usingRecursiveFieldByFieldElementComparator()
                        .isEqualTo(fresh.params());
            }
        }
    }

    @Test
    void aValueWhoseFormChangesTheTextIsAnotherShape() {
        SqlCompiler compiler = compiler(180000);
        SqlStatement bytes = compiler.compile(json("""
                {"table": "items", "operation": "update", "data": {"raw": "AA=="}, "filters": [{"column": "id", "op": "eq", "value": 1}]}"""), ITEMS);
        SqlStatement nulled = compiler.compile(json("""
                {"table": "items", "operation": "update", "data": {"raw": null}, "filters": [{"column": "id", "op": "eq", "value": 1}]}"""), ITEMS);
        assertThat(bytes.text()).contains("decode(?, 'base64')");
        assertThat(nulled.text()).contains("\"raw\" = CAST(? AS bytea)");
        assertThat(compiler.cachedShapes()).isEqualTo(2);
    }

    @Test
    void aCachedShapeStillRefusesBadValues() {
        SqlCompiler compiler = compiler(180000);
        compiler.compile(json("""
                {"table": "items", "operation": "insert", "data": {"id": 1, "name": "a"}}"""), ITEMS);
        assertThatThrownBy(() -> compiler.compile(json("""
                {"table": "items", "operation": "insert", "data": {"id": 1, "name": "a\\u0000"}}"""), ITEMS))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("NUL");
        compiler.compile(json("""
                {"table": "items", "operation": "select", "filters": [{"column": "id", "op": "in", "value": [1]}]}"""), ITEMS);
        assertThatThrownBy(() -> compiler.compile(json("""
                {"table": "items", "operation": "select", "filters": [{"column": "id", "op": "in", "value": [[1]]}]}"""), ITEMS))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("single value");
    }

    @Test
    void aTableReadAgainFromTheCatalogCompilesAgain() {
        SqlCompiler compiler = compiler(180000);
        String insert = """
                {"table": "items", "operation": "insert", "data": {"id": 1}}""";
        SqlStatement before = compiler.compile(json(insert), ITEMS);
        Table reread = new Table("app", "items", COLUMNS, List.of(ID));
        SqlStatement after = compiler.compile(json(insert), reread);
        assertThat(after.text()).isEqualTo(before.text()).isNotSameAs(before.text());
        compiler.forgetStatements();
        assertThat(compiler.cachedShapes()).isZero();
        assertThat(compiler.compile(json(insert), reread).text()).isNotSameAs(after.text());
    }

    @Test
    void theCacheHoldsAtMostItsCapacity() {
        SqlCompiler compiler = new SqlCompiler(100, 100, 180000, 2);
        for (String column : List.of("id", "name", "price", "doc")) {
            compiler.compile(Query.select("items").columns(column).build(), ITEMS);
            assertThat(compiler.cachedShapes()).isBetween(1, 2);
        }
    }
}
