package flux.query.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.log.CommittedRecords;
import flux.query.InvalidQuery;
import flux.query.UnknownName;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.JsonCodec;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.QueryJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlCompilerTest {
    private static final Column ID = new Column("id", 1, "integer", ColumnKind.SCALAR, true, false, false, ColumnEquality.CANONICAL);
    private static final Column NAME = new Column("Name \"x\"", 2, "text", ColumnKind.STRING, false, false, false, ColumnEquality.CANONICAL);
    private static final Column RAW = new Column("raw", 3, "bytea", ColumnKind.BYTES, false, false, false, ColumnEquality.CANONICAL);
    private static final Column TAGS = new Column("tags", 4, "text[]", ColumnKind.ARRAY, false, false, false, ColumnEquality.IMAGE);
    private static final Column GEN = new Column("gen", 5, "integer", ColumnKind.SCALAR, false, false, true, ColumnEquality.CANONICAL);
    private static final Table USERS = new Table("app", "users", List.of(ID, NAME, RAW, TAGS, GEN), List.of(ID));
    private static final Table PLAIN = new Table("public", "t", List.of(ID), List.of(ID));

    private final SqlCompiler pg18 = new SqlCompiler(100, 100, 180000);

    private static Query json(String text) {
        return QueryJson.read(JsonCodec.parse(text));
    }

    @Test
    void selectQuotesCatalogNamesBindsValuesAndCapsTheLimit() {
        SqlStatement s = pg18.compile(json("""
                {"table": "users", "operation": "select", "columns": ["Name \\"x\\"", "raw"],
                 "filters": [{"column": "id", "op": "gte", "value": 5}, {"column": "Name \\"x\\"", "op": "ilike", "value": "a%"}],
                 "order": [{"column": "id", "dir": "desc"}], "limit": 1000, "offset": 20}"""), USERS);
        assertThat(s.text()).isEqualTo("SELECT row_to_json(flux_r.*)::text FROM (SELECT t.\"Name \"\"x\"\"\","
                + " encode(t.\"raw\", 'base64') AS \"raw\" FROM \"app\".\"users\" AS t"
                + " WHERE t.\"id\" >= CAST(? AS integer) AND t.\"Name \"\"x\"\"\" ILIKE CAST(? AS text)"
                + " ORDER BY t.\"id\" DESC LIMIT ? OFFSET ?) AS flux_r");
        assertThat(s.params()).containsExactly("5", "a%", 100L, 20L);
    }

    @Test
    void inFilterBindsOneArrayParameter() {
        SqlStatement s = pg18.compile(Query.select("t").where("id", Op.IN, List.of(1, 2, 3)).build(), PLAIN);
        assertThat(s.text()).contains("t.\"id\" = ANY(CAST(CAST(? AS text[]) AS integer[]))");
        assertThat(s.params()).hasSize(2);
        assertThat((String[]) s.params().get(0)).containsExactly("1", "2", "3");
    }

    @Test
    void insertIsOneStatementThatAlsoWritesTheMutationRecord() {
        SqlStatement s = pg18.compile(Query.insert("t").set(Map.of("id", 7)).build(), PLAIN);
        assertThat(s.text()).isEqualTo("""
                WITH flux_w AS (INSERT INTO "public"."t" AS t ("id") VALUES (CAST(? AS integer)) RETURNING \
                row_to_json(t.*)::text AS r, NULL::jsonb AS o, to_jsonb(t.*) AS n, CAST(t."id" AS text) AS k, NULL::text[] AS c),
                 flux_m AS (INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, \
                operation, old, new, changed_columns, tenant_id, undoes) SELECT current_setting('flux.request_id'), \
                pg_current_xact_id(), ?, ?, w.k, 'INSERT', w.o, w.n, w.c, NULLIF(current_setting('flux.tenant_id', true), ''), \
                NULLIF(current_setting('flux.undoes', true), '') FROM flux_w w)
                SELECT w.r, w.o::text AS o, w.n::text AS n, w.k, array_to_json(w.c)::text AS c, pg_current_xact_id()::text AS txid \
                FROM flux_w w""");
        assertThat(s.params()).containsExactly("7", "public", "t");
    }

    @Test
    void theSameWriteWithItsKeysInAnotherOrderCompilesToTheSameStatement() {
        SqlStatement insertA = pg18.compile(json("""
                {"table": "users", "operation": "insert", "data": {"tags": ["a"], "id": 1, "Name \\"x\\"": "n"}}"""), USERS);
        SqlStatement insertB = pg18.compile(json("""
                {"table": "users", "operation": "insert", "data": {"id": 1, "Name \\"x\\"": "n", "tags": ["a"]}}"""), USERS);
        assertThat(insertA.text()).isEqualTo(insertB.text()).contains("(\"id\", \"Name \"\"x\"\"\", \"tags\")");
        assertThat(insertA.params()).usingRecursiveFieldByFieldElementComparator().isEqualTo(insertB.params());

        SqlStatement updateA = pg18.compile(json("""
                {"table": "users", "operation": "update", "data": {"tags": ["b"], "Name \\"x\\"": "m"},
                 "filters": [{"column": "id", "op": "eq", "value": 1}]}"""), USERS);
        SqlStatement updateB = pg18.compile(json("""
                {"table": "users", "operation": "update", "data": {"Name \\"x\\"": "m", "tags": ["b"]},
                 "filters": [{"column": "id", "op": "eq", "value": 1}]}"""), USERS);
        assertThat(updateA.text()).isEqualTo(updateB.text()).contains(" SET \"Name \"\"x\"\"\" = ");
        assertThat(updateA.params().get(0)).isEqualTo("m");
    }

    @Test
    void theFirstBadColumnNamedIsTheOneReported() {
        assertThatThrownBy(() -> pg18.compile(json("""
                {"table": "users", "operation": "insert", "data": {"id": 1, "nope": 2, "gen": 3}}"""), USERS))
                .isInstanceOf(UnknownName.class).hasMessageContaining("nope");
    }

    @Test
    void aTransactionOfOneQueryGetsOnlyTheRowsBack() {
        SqlStatement s = pg18.compile(Query.insert("t").set(Map.of("id", 7)).build(), PLAIN, false);
        assertThat(s.text()).contains("INSERT INTO flux.state_mutations").endsWith("\nSELECT w.r FROM flux_w w");
    }

    @Test
    void updateTakesTheBeforeImageFromReturningOldAndGatesOnTheKeyItNames() {
        SqlStatement s = pg18.compile(Query.update("t").set(Map.of("id", 8)).where("id", Op.EQ, 7).build(), PLAIN);
        assertThat(s.text()).contains("RETURNING WITH (OLD AS flux_old, NEW AS flux_new)")
                .contains("to_jsonb(flux_old.*) AS o")
                .contains("pg_advisory_xact_lock(hashtext(CAST(? AS text)), hashtext(CAST(CAST(? AS integer) AS text)))")
                .doesNotContain("flux_x").doesNotContain("LOCK TABLE");
        assertThat(s.leadingStatements()).isZero();
        assertThat(s.params().get(0)).isEqualTo("8");
        assertThat(s.params().subList(1, 4)).containsExactly("7", "public.t", "7");
    }

    @Test
    void onlyAnUpdateThatAssignsAKeyColumnReturnsTheKeyBeforeForItsRecord() {
        SqlStatement moves = pg18.compile(Query.update("t").set(Map.of("id", 8)).where("id", Op.EQ, 7).build(), PLAIN);
        assertThat(moves.text()).contains(", CAST(flux_old.\"id\" AS text) AS ko),\n "
                + CommittedRecords.keyChangingUpdateCte());
        SqlStatement stays = pg18.compile(Query.update("users").set(Map.of("raw", "x")).where("id", Op.EQ, 7).build(),
                USERS);
        assertThat(stays.text()).doesNotContain(" AS ko").contains(CommittedRecords.cte(flux.log.Operation.UPDATE));
        SqlStatement before18 = new SqlCompiler(100, 100, 170000).compile(
                Query.update("t").set(Map.of("id", 8)).where("id", Op.EQ, 7).build(), PLAIN);
        assertThat(before18.text()).contains(", CAST(flux_o.\"id\" AS text) AS ko)");
    }

    @Test
    void changedColumnsCompareInTheirOwnTypeWhereThatAgreesWithTheImages() {
        SqlStatement s = pg18.compile(Query.update("users").set(Map.of("Name \"x\"", "m")).where("id", Op.EQ, 7).build(),
                USERS);
        assertThat(s.text()).contains("array_remove(ARRAY[CASE WHEN flux_old.\"id\" IS DISTINCT FROM flux_new.\"id\" THEN CAST(? AS text) END, ")
                .contains("CASE WHEN to_jsonb(flux_old.\"tags\") IS DISTINCT FROM to_jsonb(flux_new.\"tags\") THEN CAST(? AS text) END")
                .contains(" AS c),\n flux_m AS");
        int first = s.params().indexOf("Name \"x\"") - 1;
        assertThat(s.params().subList(first, first + 5)).containsExactly("id", "Name \"x\"", "raw", "tags", "gen");
    }

    @Test
    void aKeyWhoseEqualValuesPrintDifferentlyIsReadFromTheRowForItsLock() {
        Column amount = new Column("amount", 1, "numeric", ColumnKind.SCALAR, true, false, false, ColumnEquality.TYPED);
        Table prices = new Table("public", "prices", List.of(amount), List.of(amount));
        SqlStatement s = pg18.compile(Query.delete("prices").where("amount", Op.EQ, "1.5").build(), prices);
        assertThat(s.text()).contains("hashtext((SELECT CAST(flux_x.\"amount\" AS text) FROM \"public\".\"prices\" AS flux_x"
                + " WHERE flux_x.\"amount\" = CAST(? AS numeric)))");
    }

    @Test
    void writesOfManyRowsLockTheTableOnceInsteadOfEachRow() {
        SqlStatement s = pg18.compile(Query.update("t").set(Map.of("id", 8)).where("id", Op.GT, 7).build(), PLAIN);
        assertThat(s.text()).startsWith("LOCK TABLE \"public\".\"t\" IN SHARE ROW EXCLUSIVE MODE;\nWITH flux_w AS (")
                .doesNotContain("advisory");
        assertThat(s.leadingStatements()).isEqualTo(1);
    }

    @Test
    void beforePostgres18UpdateLocksAndReadsTheOldRowInASelfJoin() {
        SqlStatement s = new SqlCompiler(100, 100, 170000).compile(
                Query.update("t").set(Map.of("id", 8)).where("id", Op.EQ, 7).build(), PLAIN);
        assertThat(s.text()).contains("FOR UPDATE OF x) AS flux_o WHERE t.\"id\" = flux_o.\"id\"")
                .doesNotContain("RETURNING WITH");
    }

    @Test
    void compositeKeysRenderAsACompactJsonArray() {
        Column org = new Column("org", 1, "text", ColumnKind.STRING, true, false, false, ColumnEquality.CANONICAL);
        Table members = new Table("public", "members", List.of(org, ID), List.of(org, ID));
        SqlStatement s = pg18.compile(Query.delete("members").where("org", Op.EQ, "a").build(), members);
        assertThat(s.text()).contains("array_to_json(ARRAY[CAST(t.\"org\" AS text), CAST(t.\"id\" AS text)])::text AS k");
    }

    @Test
    void bytesAndArraysConvertThroughPostgres() {
        SqlStatement s = pg18.compile(Query.insert("users").set(Map.of("id", 1, "raw", new byte[] {1, 2}, "tags", List.of("a", "b"))).build(), USERS);
        assertThat(s.text()).contains("decode(?, 'base64')").contains("CAST(CAST(? AS text[]) AS text[])");
        assertThat(s.params()).contains("AQI=");
    }

    @Test
    void unknownNamesAndUnwritableColumnsAreRefusedBeforeAnySql() {
        assertThatThrownBy(() -> pg18.compile(json("{\"table\": \"users\", \"operation\": \"select\", \"columns\": [\"id; --\"]}"), USERS))
                .isInstanceOf(UnknownName.class).hasMessage("unknown column \"users.id; --\"");
        assertThatThrownBy(() -> pg18.compile(Query.insert("users").set(Map.of("gen", 1)).build(), USERS))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("generated");
        assertThatThrownBy(() -> pg18.compile(Query.update("users").set(Map.of("id", 1)).build(), USERS))
                .isInstanceOfSatisfying(InvalidQuery.class, e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.FILTERS_REQUIRED));
        assertThatThrownBy(() -> pg18.compile(json("{\"table\": \"users\", \"operation\": \"delete\", \"all\": true, \"limit\": 1}"), USERS))
                .isInstanceOf(InvalidQuery.class);
    }

    @Test
    void valuesOfTheWrongJsonShapeAreRefused() {
        assertThatThrownBy(() -> pg18.compile(Query.select("users").where("id", Op.EQ, Map.of("a", 1)).build(), USERS))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("single value");
        assertThatThrownBy(() -> pg18.compile(Query.insert("users").set(Map.of("id", 1, "tags", "x")).build(), USERS))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("JSON array");
        assertThatThrownBy(() -> pg18.compile(Query.select("users").where("id", Op.EQ, "a\u0000b").build(), USERS))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("NUL");
    }

    @Test
    void onlyInsertsAndWritesOfOneRowByKeyPreferGenericPlans() {
        assertThat(SqlCompiler.prefersGenericPlan(Query.insert("t").set(Map.of("id", 1)).build(), PLAIN)).isTrue();
        assertThat(SqlCompiler.prefersGenericPlan(Query.update("t").set(Map.of("id", 2)).where("id", Op.EQ, 1).build(), PLAIN)).isTrue();
        assertThat(SqlCompiler.prefersGenericPlan(Query.delete("t").where("id", Op.GT, 1).build(), PLAIN)).isFalse();
        assertThat(SqlCompiler.prefersGenericPlan(Query.delete("t").where("id", Op.EQ, null).build(), PLAIN)).isFalse();
        assertThat(SqlCompiler.prefersGenericPlan(Query.select("t").where("id", Op.EQ, 1).build(), PLAIN)).isFalse();
    }

    @Test
    void numbersKeepEveryDigit() {
        SqlStatement s = pg18.compile(json("{\"table\": \"t\", \"operation\": \"select\", \"filters\": ["
                + "{\"column\": \"id\", \"op\": \"eq\", \"value\": 0.1000000000000000000000000001},"
                + "{\"column\": \"id\", \"op\": \"eq\", \"value\": 1E+3},"
                + "{\"column\": \"id\", \"op\": \"eq\", \"value\": 123456789012345678901234567890}]}"), PLAIN);
        assertThat(s.params().subList(0, 3)).containsExactly("0.1000000000000000000000000001", "1000",
                "123456789012345678901234567890");
    }
}
