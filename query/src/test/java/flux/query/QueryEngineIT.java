package flux.query;

import flux.query.testing.EngineFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.query.model.JsonCodec;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryEngineIT {
    private static final String DDL = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TABLE everything (
                id     bigserial PRIMARY KEY,
                t      text, i integer, b bigint, n numeric(40,12), flag boolean, u uuid, d date,
                ts     timestamptz, j jsonb, tags text[], nums integer[], raw bytea, m mood, vc varchar(5),
                tagged text DEFAULT current_setting('flux.request_id', true));
            CREATE TABLE members (org text, num integer, name text, PRIMARY KEY (org, num));
            CREATE TABLE counters (id integer PRIMARY KEY, value integer NOT NULL CHECK (value >= 0));
            CREATE TABLE nokey (a integer);
            CREATE TABLE fixed (id integer PRIMARY KEY, c char(4), b bit(3), cs char(2)[]);
            CREATE TABLE parents (id integer PRIMARY KEY);
            CREATE TABLE children (id integer PRIMARY KEY,
                                   parent integer REFERENCES parents DEFERRABLE INITIALLY DEFERRED);
            """;

    private final EngineFixture fx;
    private final QueryEngine engine;

    QueryEngineIT(TestPostgres pg) {
        fx = new EngineFixture(pg, "engine", DDL);
        engine = fx.engine;
    }

    @AfterAll
    void close() {
        fx.close();
    }

    @BeforeEach
    void clean() {
        fx.execute("TRUNCATE everything, members, counters, nokey, fixed, parents, children, flux.state_mutations RESTART IDENTITY");
    }

    private QueryResult json(String id, String query) {
        return engine.query(RequestId.of(id), QueryJson.read(JsonCodec.parse(query)));
    }

    @Test
    void everyListedTypeRoundTripsThroughInsertAndSelect() {
        String row = """
                {"t": "héllo ☃ 'quoted' \\"dq\\"", "i": -2147483648, "b": 9223372036854775807,
                 "n": 12345678901234567890.123456789012, "flag": true,
                 "u": "6f1c0a9e-8c1b-4c7e-9a43-3b4a5f7d2e10", "d": "2026-03-10",
                 "ts": "2026-03-10T12:00:00.123456Z", "j": {"a": [1, 2.50, {"b": null}], "s": "x"},
                 "tags": ["a", "b,c", "d\\"e", null], "nums": [1, 2, 3], "raw": "AAEC/w==", "m": "happy",
                 "vc": "abcde"}""";
        QueryResult inserted = json("rt-1", "{\"table\": \"everything\", \"operation\": \"insert\", \"data\": " + row + "}");
        assertThat(inserted.size()).isEqualTo(1);

        JsonNode read = json("rt-2", """
                {"table": "public.everything", "operation": "select", "filters": [{"column": "id", "op": "eq", "value": 1}]}
                """).rows().get(0);
        assertThat(read.get("t").textValue()).isEqualTo("héllo ☃ 'quoted' \"dq\"");
        assertThat(read.get("i").asLong()).isEqualTo(-2147483648L);
        assertThat(read.get("b").bigIntegerValue().toString()).isEqualTo("9223372036854775807");
        assertThat(read.get("n").decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123456789012"));
        assertThat(read.get("flag").booleanValue()).isTrue();
        assertThat(read.get("u").textValue()).isEqualTo("6f1c0a9e-8c1b-4c7e-9a43-3b4a5f7d2e10");
        assertThat(read.get("d").textValue()).isEqualTo("2026-03-10");
        assertThat(read.get("ts").textValue()).startsWith("2026-03-10T").contains("12:00:00.123456");
        assertThat(read.get("j")).isEqualTo(JsonCodec.parse("{\"a\": [1, 2.50, {\"b\": null}], \"s\": \"x\"}"));
        assertThat(read.get("tags").toString()).isEqualTo("[\"a\",\"b,c\",\"d\\\"e\",null]");
        assertThat(read.get("nums").toString()).isEqualTo("[1,2,3]");
        assertThat(read.get("raw").textValue()).isEqualTo("AAEC/w==");
        assertThat(read.get("m").textValue()).isEqualTo("happy");
        assertThat(read.get("vc").textValue()).isEqualTo("abcde");
        assertThat(read.get("tagged").textValue()).as("set_config ran first, in the same transaction").isEqualTo("rt-1");
        assertThat(fx.one("SELECT encode(raw, 'hex') FROM everything")).isEqualTo("000102ff");
        assertThat(fx.one("SELECT n::text FROM everything")).isEqualTo("12345678901234567890.123456789012");
    }

    /**
     * Found by capture's EngineImagesIT: values were cast to the column's type as format_type
     * spells it without its modifier, and {@code character} alone is char(1) (bit alone, bit(1)).
     */
    @Test
    void fixedLengthTextAndBitsKeepEveryCharacterAndFilterByTheWholeValue() {
        json("c-1", "{\"table\": \"fixed\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"c\": \"ab\", \"b\": \"101\", \"cs\": [\"xy\", \"z\"]}}");
        json("c-2", "{\"table\": \"fixed\", \"operation\": \"insert\", \"data\": {\"id\": 2, \"c\": \"a\"}}");
        assertThat(fx.one("SELECT c || '|' || b::text || '|' || cs::text FROM fixed WHERE id = 1")).isEqualTo("ab|101|{xy,\"z \"}");
        List<JsonNode> found = json("c-3", "{\"table\": \"fixed\", \"operation\": \"select\", \"filters\": [{\"column\": \"c\", \"op\": \"eq\", \"value\": \"ab\"}]}").rows();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("id").asInt()).isEqualTo(1);
    }

    @Test
    void nullsAreWrittenAndReadAsNull() {
        json("n-1", "{\"table\": \"everything\", \"operation\": \"insert\", \"data\": {\"t\": null, \"j\": null, \"raw\": null, \"tags\": null, \"m\": null}}");
        JsonNode read = json("n-2", "{\"table\": \"everything\", \"operation\": \"select\", \"filters\": [{\"column\": \"t\", \"op\": \"is_null\"}]}").rows().get(0);
        for (String column : List.of("t", "j", "raw", "tags", "m", "u", "n")) {
            assertThat(read.get(column).isNull()).as(column).isTrue();
        }
    }

    @Test
    void updatesChangeEveryTypeAndReturnTheNewRow() {
        json("u-0", "{\"table\": \"everything\", \"operation\": \"insert\", \"data\": {\"t\": \"a\"}}");
        QueryResult updated = json("u-1", """
                {"table": "everything", "operation": "update", "filters": [{"column": "id", "op": "eq", "value": "1"}],
                 "data": {"n": 0.1, "u": "6F1C0A9E-8C1B-4C7E-9A43-3B4A5F7D2E10", "d": "2027-01-02", "ts": "2026-03-10 14:22:00+02",
                          "j": [1, "two"], "tags": [], "raw": "", "m": "sad", "flag": false, "i": 7}}
                """);
        JsonNode row = updated.rows().get(0);
        assertThat(row.get("n").decimalValue()).isEqualTo(new BigDecimal("0.100000000000"));
        assertThat(row.get("u").textValue()).isEqualTo("6f1c0a9e-8c1b-4c7e-9a43-3b4a5f7d2e10");
        assertThat(row.get("ts").textValue()).startsWith("2026-03-10T12:22:00");
        assertThat(row.get("j").toString()).isEqualTo("[1,\"two\"]");
        assertThat(row.get("tags").toString()).isEqualTo("[]");
        assertThat(row.get("raw").textValue()).isEmpty();
        assertThat(row.get("m").textValue()).isEqualTo("sad");
        assertThat(row.get("flag").booleanValue()).isFalse();
        assertThat(row.get("tagged").textValue()).isEqualTo("u-0");
    }

    @Test
    void everyOperatorFiltersAsDocumented() {
        for (int k = 1; k <= 5; k++) {
            engine.query(RequestId.of("seed"), Query.insert("everything")
                    .set(Map.of("t", "Item-" + k, "i", k * 10, "m", k % 2 == 0 ? "ok" : "sad", "nums", List.of(k))).build());
        }
        engine.query(RequestId.of("seed"), Query.insert("everything").set(Map.of("i", 60)).build());
        assertThat(ids("eq", "i", "30")).containsExactly(3);
        assertThat(ids("neq", "i", "30")).containsExactly(1, 2, 4, 5, 6);
        assertThat(ids("gt", "i", "40")).containsExactly(5, 6);
        assertThat(ids("lt", "i", "20")).containsExactly(1);
        assertThat(ids("gte", "i", "40")).containsExactly(4, 5, 6);
        assertThat(ids("lte", "i", "20")).containsExactly(1, 2);
        assertThat(ids("like", "t", "\"Item-%\"")).containsExactly(1, 2, 3, 4, 5);
        assertThat(ids("like", "t", "\"item-%\"")).isEmpty();
        assertThat(ids("ilike", "t", "\"item-_\"")).containsExactly(1, 2, 3, 4, 5);
        assertThat(ids("like", "i", "\"1%\"")).as("like on a non-text column compares its text").containsExactly(1);
        assertThat(ids("in", "i", "[10, 50, 999]")).containsExactly(1, 5);
        assertThat(ids("in", "m", "[\"ok\"]")).containsExactly(2, 4);
        assertThat(ids("in", "i", "[]")).isEmpty();
        assertThat(ids("is_null", "t", "null")).containsExactly(6);
        assertThat(ids("not_null", "t", "null")).containsExactly(1, 2, 3, 4, 5);
        assertThat(ids("eq", "t", "null")).as("eq null means IS NULL").containsExactly(6);
        assertThat(ids("eq", "nums", "[3]")).containsExactly(3);
    }

    private List<Integer> ids(String op, String column, String value) {
        QueryResult r = json("f", "{\"table\": \"everything\", \"operation\": \"select\", \"columns\": [\"id\"],"
                + " \"order\": [{\"column\": \"id\"}], \"filters\": [{\"column\": \"" + column + "\", \"op\": \"" + op
                + "\", \"value\": " + value + "}]}");
        return r.rows().stream().map(n -> n.get("id").intValue()).toList();
    }

    @Test
    void selectHonoursColumnsOrderLimitOffsetAndCapsTheLimit() {
        for (int k = 1; k <= 120; k++) {
            engine.query(RequestId.of("seed"), Query.insert("counters").set(Map.of("id", k, "value", k % 7)).build());
        }
        QueryResult page = json("s", """
                {"table": "counters", "operation": "select", "columns": ["value", "id"],
                 "order": [{"column": "value", "dir": "desc"}, {"column": "id", "dir": "asc"}], "limit": 3, "offset": 1}
                """);
        assertThat(page.rowsJson()).containsExactly("{\"value\":6,\"id\":13}", "{\"value\":6,\"id\":20}",
                "{\"value\":6,\"id\":27}");
        assertThat(json("s", "{\"table\": \"counters\", \"operation\": \"select\", \"limit\": 5000}").size())
                .as("capped at the engine's max limit").isEqualTo(100);
        assertThat(json("s", "{\"table\": \"counters\", \"operation\": \"select\"}").size()).isEqualTo(100);
    }

    @Test
    void eachWriteRecordsOneMutationPerRowInTheSameTransaction() {
        engine.query(RequestId.of("req-ins"), Query.insert("counters")
                .row((com.fasterxml.jackson.databind.node.ObjectNode) JsonCodec.parse("{\"id\": 1, \"value\": 5}")).build());
        json("req-bulk", "{\"table\": \"counters\", \"operation\": \"insert\", \"data\": [{\"id\": 2, \"value\": 1}, {\"id\": 3}]}".replace("{\"id\": 3}", "{\"id\": 3, \"value\": 0}"));
        QueryResult updated = engine.query(RequestId.of("req-upd"), Query.update("counters").set(Map.of("value", 9))
                .where("id", Op.IN, List.of(1, 2)).build());
        assertThat(updated.size()).isEqualTo(2);
        json("req-del", "{\"table\": \"counters\", \"operation\": \"delete\", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 3}]}");

        List<List<String>> log = fx.rows("""
                SELECT request_id, row_id, operation, old::text, new::text, changed_columns::text, status, source,
                       txid IS NOT NULL, error
                  FROM flux.state_mutations ORDER BY id""");
        assertThat(log).containsExactly(
                java.util.Arrays.asList("req-ins", "1", "INSERT", null, "{\"id\": 1, \"value\": 5}", null, "committed", "api", "t", null),
                java.util.Arrays.asList("req-bulk", "2", "INSERT", null, "{\"id\": 2, \"value\": 1}", null, "committed", "api", "t", null),
                java.util.Arrays.asList("req-bulk", "3", "INSERT", null, "{\"id\": 3, \"value\": 0}", null, "committed", "api", "t", null),
                java.util.Arrays.asList("req-upd", "1", "UPDATE", "{\"id\": 1, \"value\": 5}", "{\"id\": 1, \"value\": 9}", "{value}", "committed", "api", "t", null),
                java.util.Arrays.asList("req-upd", "2", "UPDATE", "{\"id\": 2, \"value\": 1}", "{\"id\": 2, \"value\": 9}", "{value}", "committed", "api", "t", null),
                java.util.Arrays.asList("req-del", "3", "DELETE", "{\"id\": 3, \"value\": 0}", null, null, "committed", "api", "t", null));
        assertThat(fx.one("SELECT count(DISTINCT txid) FROM flux.state_mutations WHERE request_id = 'req-upd'")).isEqualTo("1");
    }

    @Test
    void anUpdateOfMoreRowsThanTheLockTableHoldsSucceeds() {
        fx.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(1, 20000) g");
        assertThat(json("bulk", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": 1}, \"all\": true}").size())
                .isEqualTo(20000);
        assertThat(fx.one("SELECT count(*) FROM flux.state_mutations WHERE request_id = 'bulk'")).isEqualTo("20000");
    }

    @Test
    void anUpdateThatChangesNothingRecordsAnEmptyChangeList() {
        json("a", "{\"table\": \"counters\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"value\": 5}}");
        json("b", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": 5}, \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}]}");
        assertThat(fx.one("SELECT changed_columns::text FROM flux.state_mutations WHERE request_id = 'b'")).isEqualTo("{}");
    }

    @Test
    void compositeKeysNameTheRowAsACompactJsonArray() {
        json("c1", "{\"table\": \"members\", \"operation\": \"insert\", \"data\": {\"org\": \"acme \\\"inc\\\"\", \"num\": 42, \"name\": \"x\"}}");
        json("c2", """
                {"table": "members", "operation": "update", "data": {"name": "y"},
                 "filters": [{"column": "org", "op": "eq", "value": "acme \\"inc\\""}, {"column": "num", "op": "eq", "value": 42}]}""");
        assertThat(fx.rows("SELECT row_id FROM flux.state_mutations ORDER BY id"))
                .containsExactly(List.of("[\"acme \\\"inc\\\"\",\"42\"]"), List.of("[\"acme \\\"inc\\\"\",\"42\"]"));
    }

    @Test
    void updateAndDeleteWithoutFiltersAreRefusedUnlessAllIsSet() {
        json("s", "{\"table\": \"counters\", \"operation\": \"insert\", \"data\": [{\"id\": 1, \"value\": 1}, {\"id\": 2, \"value\": 2}]}");
        assertThatThrownBy(() -> json("x", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": 0}}"))
                .isInstanceOfSatisfying(InvalidQuery.class, e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.FILTERS_REQUIRED));
        assertThatThrownBy(() -> json("x", "{\"table\": \"counters\", \"operation\": \"delete\"}"))
                .isInstanceOf(InvalidQuery.class);
        assertThat(fx.one("SELECT sum(value) FROM counters")).isEqualTo("3");
        assertThat(json("all", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": 0}, \"all\": true}").size()).isEqualTo(2);
        assertThat(json("all", "{\"table\": \"counters\", \"operation\": \"delete\", \"all\": true}").size()).isEqualTo(2);
    }

    @Test
    void tablesWithoutAPrimaryKeyCanBeReadButNotWritten() {
        fx.execute("INSERT INTO nokey VALUES (1)");
        assertThat(json("r", "{\"table\": \"nokey\", \"operation\": \"select\"}").rowsJson()).containsExactly("{\"a\":1}");
        assertThatThrownBy(() -> json("w", "{\"table\": \"nokey\", \"operation\": \"insert\", \"data\": {\"a\": 2}}"))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("no primary key");
    }

    @Test
    void theFluxSchemaAndSystemCatalogsAreNotQueryable() {
        for (String table : List.of("flux.state_mutations", "state_mutations", "pg_catalog.pg_class", "pg_class",
                "information_schema.tables")) {
            assertThatThrownBy(() -> json("x", "{\"table\": \"" + table + "\", \"operation\": \"select\"}"))
                    .as(table).isInstanceOf(UnknownName.class);
        }
    }

    @Test
    void aTransactionCommitsAllItsQueriesUnderOneRequestId() {
        engine.transaction(RequestId.of("tx-ok"), tx -> {
            tx.query(Query.insert("counters").set(Map.of("id", 1, "value", 1)).build());
            tx.query(Query.update("counters").set(Map.of("value", 2)).where("id", Op.EQ, 1).build());
            assertThat(tx.query(Query.select("counters").build()).size()).isEqualTo(1);
        });
        assertThat(fx.rows("SELECT request_id, operation, status FROM flux.state_mutations ORDER BY id")).containsExactly(
                List.of("tx-ok", "INSERT", "committed"), List.of("tx-ok", "UPDATE", "committed"));
        assertThat(fx.one("SELECT count(DISTINCT txid) FROM flux.state_mutations")).isEqualTo("1");
    }

    @Test
    void aWriteOfManyRowsLocksTheTableInsideATransactionToo() {
        engine.transaction(RequestId.of("tx-bulk"), tx -> {
            tx.query(Query.insert("counters").set(Map.of("id", 1, "value", 1)).build());
            tx.query(Query.insert("counters").set(Map.of("id", 2, "value", 1)).build());
            assertThat(tx.query(Query.update("counters").set(Map.of("value", 5)).where("id", Op.GT, 0).build()).size())
                    .isEqualTo(2);
            assertThat(fx.one("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                    + " WHERE c.relname = 'counters' AND l.mode = 'ShareRowExclusiveLock' AND l.granted")).isEqualTo("1");
        });
        assertThat(fx.rows("SELECT operation, row_id, coalesce(changed_columns::text, '-') FROM flux.state_mutations ORDER BY id"))
                .containsExactly(List.of("INSERT", "1", "-"), List.of("INSERT", "2", "-"),
                        List.of("UPDATE", "1", "{value}"), List.of("UPDATE", "2", "{value}"));
    }

    @Test
    void aFailingTransactionChangesNoDataAndRecordsEachAttemptAsRolledBack() {
        json("seed", "{\"table\": \"counters\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"value\": 1}}");
        assertThatThrownBy(() -> engine.transaction(RequestId.of("tx-bad"), tx -> {
            tx.query(Query.update("counters").set(Map.of("value", 5)).where("id", Op.EQ, 1).build());
            tx.query(Query.insert("counters").set(Map.of("id", 1, "value", 3)).build());
        })).isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.sqlState()).isEqualTo("23505"));

        assertThat(fx.one("SELECT value FROM counters WHERE id = 1")).isEqualTo("1");
        List<List<String>> attempts = fx.rows("""
                SELECT operation, row_id, old::text, new::text, changed_columns::text, status, error, txid::text
                  FROM flux.state_mutations WHERE request_id = 'tx-bad' ORDER BY id""");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).subList(0, 7)).containsExactly("UPDATE", "1", "{\"id\": 1, \"value\": 1}",
                "{\"id\": 1, \"value\": 5}", "{value}", "rolled_back",
                "23505: duplicate key value violates unique constraint \"counters_pkey\"");
        assertThat(attempts.get(1).subList(0, 7)).containsExactly("INSERT", "1", null, "{\"id\": 1, \"value\": 3}", null,
                "rolled_back", "23505: duplicate key value violates unique constraint \"counters_pkey\"");
        assertThat(attempts.get(0).get(7)).as("both carry the failed transaction's id").isNotNull()
                .isEqualTo(attempts.get(1).get(7));
    }

    @Test
    void aFailedSingleUpdateIsRecordedWithTheRowsItTargeted() {
        json("seed", "{\"table\": \"counters\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"value\": 1}}");
        assertThatThrownBy(() -> json("neg", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": -1},"
                + " \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}]}"))
                .isInstanceOf(ConstraintViolation.class);
        assertThat(fx.rows("SELECT operation, row_id, old::text, new::text, changed_columns::text, status, left(error, 6)"
                + " FROM flux.state_mutations WHERE request_id = 'neg'")).containsExactly(List.of("UPDATE", "1",
                "{\"id\": 1, \"value\": 1}", "{\"id\": 1, \"value\": -1}", "{value}", "rolled_back", "23514:"));
    }

    @Test
    void aFailureAtCommitRecordsEveryWriteOfTheTransactionAsRolledBack() {
        assertThatThrownBy(() -> engine.transaction(RequestId.of("tx-commit"), tx -> {
            tx.query(Query.insert("children").set(Map.of("id", 1, "parent", 99)).build());
            tx.query(Query.insert("children").set(Map.of("id", 2, "parent", 98)).build());
        })).isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.sqlState()).isEqualTo("23503"));
        assertThat(fx.one("SELECT count(*) FROM children")).isEqualTo("0");
        assertThat(fx.rows("SELECT row_id, status, left(error, 7) FROM flux.state_mutations WHERE request_id = 'tx-commit' ORDER BY id"))
                .containsExactly(List.of("1", "rolled_back", "23503: "), List.of("2", "rolled_back", "23503: "));
    }

    @Test
    void aBadValueInALaterQueryRecordsTheEarlierWritesButNotItself() {
        assertThatThrownBy(() -> engine.transaction(RequestId.of("tx-value"), tx -> {
            tx.query(Query.insert("counters").set(Map.of("id", 1, "value", 1)).build());
            tx.query(Query.select("counters").where("id", Op.EQ, "one").build());
        })).isInstanceOfSatisfying(InvalidValue.class, e -> assertThat(e.sqlState()).isEqualTo("22P02"));
        assertThat(fx.one("SELECT count(*) FROM counters")).isEqualTo("0");
        assertThat(fx.rows("SELECT operation, status, left(error, 7) FROM flux.state_mutations WHERE request_id = 'tx-value'"))
                .containsExactly(List.of("INSERT", "rolled_back", "22P02: "));
    }

    @Test
    void aBodyThatThrowsRollsBackAndRecordsItsWrites() {
        assertThatThrownBy(() -> engine.transaction(RequestId.of("tx-abort"), tx -> {
            tx.query(Query.insert("counters").set(Map.of("id", 7, "value", 1)).build());
            throw new IllegalStateException("changed my mind");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(fx.one("SELECT count(*) FROM counters")).isEqualTo("0");
        assertThat(fx.one("SELECT status || ' ' || error FROM flux.state_mutations WHERE request_id = 'tx-abort'"))
                .startsWith("rolled_back 40000: transaction aborted by the caller");
    }

    @Test
    void valuesOfTheWrongTypeAreInvalidValuesAndChangeNothing() {
        for (String data : List.of("{\"i\": \"ten\"}", "{\"u\": \"not-a-uuid\"}", "{\"d\": \"2026-02-30\"}",
                "{\"m\": \"furious\"}", "{\"raw\": \"***\"}", "{\"vc\": \"too long\"}", "{\"nums\": [\"x\"]}",
                "{\"i\": 1e400}", "{\"j\": \"\\u0000\"}")) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> json("bad", "{\"table\": \"everything\", \"operation\": \"insert\", \"data\": " + data + "}"));
            assertThat(thrown).as(data).isInstanceOfAny(InvalidValue.class, InvalidQuery.class);
        }
        assertThat(fx.one("SELECT count(*) FROM everything")).isEqualTo("0");
        assertThat(fx.one("SELECT count(*) FROM flux.state_mutations")).isEqualTo("0");
    }
}
