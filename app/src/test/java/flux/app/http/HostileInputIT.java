package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile bodies against {@code /v1/query} and {@code /v1/transaction}: each must get a 4xx
 * problem, and afterwards the database (data, mutation log, catalog) must be exactly as before.
 * (Well-formed writes that break a constraint are not here: they are 409s whose attempts are
 * recorded as rolled back, by design; QueryApiIT covers them.)
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
    private final FluxHttp http;

    HostileInputIT(TestPostgres pg, TestKafka kafka) {
        http = new FluxHttp(pg, kafka, "hostile", QueryApiIT.DDL);
    }

    @BeforeAll
    void seed() {
        http.post("/v1/query", """
                {"table": "users", "operation": "insert", "data": [{"id": 1, "email": "a@b.com", "plan": "free"},
                                                                 {"id": 2, "email": "c@d.com", "plan": "pro"}]}""");
    }

    @AfterAll
    void close() {
        http.close();
    }

    private static String select(String extra) {
        return "{\"table\": \"users\", \"operation\": \"select\"" + extra + "}";
    }

    private static String filter(String column, String op, String value) {
        return "{\"table\": \"users\", \"operation\": \"delete\", \"filters\": [{\"column\": " + column
                + ", \"op\": " + op + ", \"value\": " + value + "}]}";
    }

    static List<String> hostileBodies() {
        List<String> bodies = new ArrayList<>();
        // SQL in table names
        for (String table : List.of("users; DROP TABLE users", "users\\\"; DROP TABLE users; --", "\\\"users\\\"",
                "public.users; DELETE FROM users", "pg_catalog.pg_class", "flux.state_mutations", "../users", "USERS",
                "users\\u0000", "users\\u202e", "", " users", "information_schema.tables", "pg_temp.users")) {
            bodies.add("{\"table\": \"" + table + "\", \"operation\": \"delete\", \"all\": true}");
        }
        // SQL in column names: filters, columns, order, data keys
        for (String column : List.of("id; DROP TABLE users", "id\\\" = 1 OR \\\"1\\\"=\\\"1", "*", "1", "users.id",
                "id\\u0000", "ïd", "ctid", "xmin", "oid", "")) {
            bodies.add(filter("\"" + column + "\"", "\"eq\"", "1"));
            bodies.add(select(", \"columns\": [\"" + column + "\"]"));
            bodies.add(select(", \"order\": [{\"column\": \"" + column + "\"}]"));
            bodies.add("{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"" + column
                    + "\": \"x\"}, \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}]}");
        }
        bodies.add(select(", \"order\": [{\"column\": \"id\", \"dir\": \"desc; DROP TABLE users\"}]"));
        // SQL and junk in operators
        for (String op : List.of("\"= 1 OR 1=1 --\"", "\"EQ\"", "\"\"", "null", "1", "[\"eq\"]", "\"eq\\u0000\"",
                "\"is_null; DROP TABLE users\"", "\"between\"")) {
            bodies.add(filter("\"id\"", op, "1"));
        }
        // SQL in values, and values of the wrong type or shape
        for (String value : List.of("\"1 OR 1=1\"", "\"1; DELETE FROM users\"", "\"'; DROP TABLE users; --\"",
                "{\"a\": 1}", "[1, 2]", "1e999999999", "1.5", "\"\\u0000\"", "\"\"", "99999999999999999999")) {
            bodies.add(filter("\"id\"", "\"eq\"", value));
        }
        bodies.add(filter("\"id\"", "\"in\"", "1"));
        bodies.add(filter("\"id\"", "\"in\"", "[[1]]"));
        bodies.add(filter("\"id\"", "\"in\"", "[1, \"x\"]"));
        bodies.add(filter("\"email\"", "\"like\"", "5"));
        bodies.add(filter("\"email\"", "\"eq\"", "\"a\\u0000b\""));
        bodies.add(filter("\"email\"", "\"gt\"", "null"));
        bodies.add("{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": \"3; DROP TABLE users\", \"email\": \"e\"}}");
        bodies.add("{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 3, \"email\": \"e\\u0000\"}}");
        bodies.add("{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 3, \"email\": [\"e\"]}}");
        bodies.add("{\"table\": \"users\", \"operation\": \"insert\", \"data\": \"INSERT INTO users VALUES (9)\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"insert\", \"data\": [1, 2]}");
        bodies.add("{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"email\": \"z\"}}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"all\": \"true\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"filters\": []}");
        bodies.add("{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"email\": \"z\"}, \"all\": 1}");
        // JSON keys and shapes
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"all\": true, \"table\": \"plans\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"filter\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}]}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"; DROP TABLE users\": 1}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 1, \"or\": true}]}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"filters\": {\"column\": \"id\", \"op\": \"eq\", \"value\": 1}}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"filters\": [\"id = 1\"]}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"filters\": [[{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}]]}");
        bodies.add("{\"table\": [\"users\"], \"operation\": \"select\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"SELECT\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"limit\": -1}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"limit\": \"10; DROP TABLE users\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"offset\": 1e10}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"limit\": 99999999999}");
        bodies.add("[]");
        bodies.add("null");
        bodies.add("\"DROP TABLE users\"");
        bodies.add("{} {}");
        bodies.add("{\"table\": \"users\", \"operation\": \"select\"} trailing");
        bodies.add("{'table': 'users'}");
        bodies.add("\u0000");
        // deep nesting
        bodies.add(filter("\"id\"", "\"eq\"", "[".repeat(5_000) + "]".repeat(5_000)));
        bodies.add("{\"table\": \"users\", \"operation\": \"insert\", \"data\": " + "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_001));
        // big, within the size limit: a 600 kB table name and filter list
        bodies.add("{\"table\": \"" + "u".repeat(600_000) + "\", \"operation\": \"select\"}");
        bodies.add("{\"table\": \"users\", \"operation\": \"delete\", \"filters\": ["
                + String.join(",", java.util.Collections.nCopies(5_000, "{\"column\": \"id\", \"op\": \"nope\", \"value\": 1}")) + "]}");
        // too big
        bodies.add("{\"table\": \"users\", \"operation\": \"select\", \"columns\": [\"" + "x".repeat(2_000_000) + "\"]}");
        return bodies;
    }

    @Test
    void everyHostileQueryGetsA4xxProblemAndChangesNothing() {
        List<List<String>> before = snapshot();
        List<String> bodies = hostileBodies();
        for (String body : bodies) {
            HttpResponse<String> r = http.post("/v1/query", body);
            String shown = body.length() > 200 ? body.substring(0, 200) + "..." : body;
            assertThat(r.statusCode()).as(shown + " -> " + r.body()).isBetween(400, 499);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(shown).startsWith("application/problem+json");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void hostileQueriesInsideATransactionGetA4xxAndChangeNoData() {
        List<List<String>> before = data();
        for (String body : List.of(
                filter("\"id; DROP TABLE users\"", "\"eq\"", "1"),
                filter("\"id\"", "\"= 1 OR 1=1 --\"", "1"),
                filter("\"id\"", "\"eq\"", "\"1 OR 1=1\""))) {
            HttpResponse<String> r = http.post("/v1/transaction", "{\"queries\": ["
                    + "{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"plan\": \"pro\"}, \"all\": true}, " + body + "]}");
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isBetween(400, 499);
        }
        for (String body : List.of("{\"queries\": {}}", "{\"queries\": []}", "{\"queries\": [1]}", "{\"query\": []}",
                "{\"queries\": [" + String.join(",", java.util.Collections.nCopies(101, select(""))) + "]}")) {
            assertThat(http.post("/v1/transaction", body).statusCode()).as(body).isEqualTo(400);
        }
        assertThat(data()).isEqualTo(before);
    }

    @Test
    void hostileRequestIdsAreRefused() {
        for (String id : List.of("x".repeat(129), "a b", "a;b", "ünï", "id'--", "")) {
            HttpResponse<String> r = http.post("/v1/query", select(""), "X-Request-Id", id.isEmpty() ? " " : id);
            assertThat(r.statusCode()).as(id).isEqualTo(400);
            assertThat(r.headers().firstValue("X-Request-Id")).as("not echoed").isEmpty();
        }
    }

    @Test
    void hostileTextIsJustTextForATextColumn() {
        HttpResponse<String> r = http.post("/v1/query", filter("\"email\"", "\"eq\"", "\"'; DROP TABLE users; --\""));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("\"rows\":[]}");
        assertThat(http.rows("SELECT count(*) FROM users")).containsExactly(List.of("2"));
    }

    private List<List<String>> data() {
        return http.rows("SELECT id::text, email, plan FROM users ORDER BY users.id");
    }

    private List<List<String>> snapshot() {
        List<List<String>> all = new ArrayList<>(data());
        all.addAll(http.rows("SELECT count(*)::text, coalesce(max(id), 0)::text FROM flux.state_mutations"));
        all.addAll(http.rows("SELECT relname FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'flux'::regnamespace) ORDER BY 1"));
        return all;
    }
}
