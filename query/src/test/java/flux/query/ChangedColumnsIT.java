package flux.query;

import flux.query.testing.EngineFixture;
import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.query.model.JsonCodec;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write statement compares old and new values in their own type where that agrees with
 * the JSON images (and by the images elsewhere): the recorded changed columns must be exactly
 * the columns whose images differ, whatever the type and however a value was spelled.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangedColumnsIT {
    private static final String DDL = """
            CREATE TYPE tone AS ENUM ('low', 'high');
            CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
            CREATE TABLE kinds (
                id text PRIMARY KEY, i integer, n numeric, nf numeric(10,2), f double precision, flag boolean,
                u uuid, d date, ts timestamptz, j jsonb, doc json, tags text[], raw bytea, tone tone,
                p positive, pt point, c char(4));
            CREATE TABLE priced (amount numeric PRIMARY KEY, label text);
            """;
    private static final String[] UPDATES = {
        // the same values, spelled otherwise: nothing changed
        "{\"i\": 1, \"n\": 1.5, \"nf\": \"2.5\", \"f\": 0.5, \"flag\": true, \"u\": \"6F1C0A9E-8C1B-4C7E-9A43-3B4A5F7D2E10\","
                + " \"d\": \"2026-03-10\", \"ts\": \"2026-03-10 14:00:00+02\", \"j\": {\"b\": 2, \"a\": 1}, \"tags\": [\"x\"],"
                + " \"raw\": \"AAE=\", \"tone\": \"low\", \"p\": 3, \"c\": \"ab\"}",
        // numeric scale: 1.5 -> 1.50 is equal as a number and as a JSON number
        "{\"n\": \"1.50\"}",
        // json has no =: compared by its image
        "{\"doc\": {\"a\": 1}}",
        "{\"doc\": {\"a\": 2}}",
        // point has no = at all: only its image can tell
        "{\"pt\": \"(1,2)\"}",
        "{\"pt\": \"(1,3)\"}",
        // real changes, several at once
        "{\"i\": 2, \"f\": -0.5, \"u\": \"00000000-0000-0000-0000-000000000000\", \"tags\": [\"x\", null], \"tone\": \"high\"}",
        "{\"i\": null, \"j\": null, \"raw\": null, \"ts\": \"2026-03-10T12:00:00.000001Z\"}",
        "{\"i\": null, \"j\": {\"a\": 1}}",
        "{\"c\": \"ab  \", \"p\": 4, \"d\": \"2026-03-11\", \"flag\": false, \"nf\": 2.51}",
    };

    private final EngineFixture fx;

    ChangedColumnsIT(TestPostgres pg) {
        fx = new EngineFixture(pg, "changed", DDL);
    }

    @AfterAll
    void close() {
        fx.close();
    }

    private void run(String id, String query) {
        fx.engine.query(RequestId.of(id), QueryJson.read(JsonCodec.parse(query)));
    }

    @Test
    void theRecordedChangedColumnsAreExactlyTheColumnsWhoseImagesDiffer() {
        run("ins", """
                {"table": "kinds", "operation": "insert", "data": {"id": "k", "i": 1, "n": 1.5, "nf": 2.5, "f": 0.5,
                 "flag": true, "u": "6f1c0a9e-8c1b-4c7e-9a43-3b4a5f7d2e10", "d": "2026-03-10", "ts": "2026-03-10T12:00:00Z",
                 "j": {"a": 1, "b": 2}, "doc": {"a": 1}, "tags": ["x"], "raw": "AAE=", "tone": "low", "p": 3, "c": "ab"}}""");
        for (int k = 0; k < UPDATES.length; k++) {
            run("upd-" + k, "{\"table\": \"kinds\", \"operation\": \"update\", \"filters\": [{\"column\": \"id\", \"op\": \"eq\","
                    + " \"value\": \"k\"}], \"data\": " + UPDATES[k] + "}");
        }
        assertThat(fx.one("SELECT count(*) FROM flux.state_mutations WHERE operation = 'UPDATE'"))
                .isEqualTo(String.valueOf(UPDATES.length));
        assertThat(fx.rows("""
                SELECT m.request_id, m.changed_columns::text, ARRAY(
                         SELECT a.attname::text FROM pg_attribute a
                          WHERE a.attrelid = 'kinds'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                            AND m.old -> a.attname IS DISTINCT FROM m.new -> a.attname ORDER BY a.attnum)::text
                  FROM flux.state_mutations m WHERE m.operation = 'UPDATE' ORDER BY m.id"""))
                .allSatisfy(r -> assertThat(r.get(1)).as("changed columns of " + r.get(0)).isEqualTo(r.get(2)))
                .extracting(r -> r.get(1))
                .containsExactly("{}", "{}", "{}", "{doc}", "{pt}", "{pt}", "{i,f,u,tags,tone}", "{i,ts,j,raw}", "{j}",
                        "{nf,flag,d,p}");
    }

    @Test
    void aNumericKeySpelledOtherwiseStillNamesItsRow() {
        run("p-1", "{\"table\": \"priced\", \"operation\": \"insert\", \"data\": {\"amount\": \"1.50\", \"label\": \"a\"}}");
        run("p-2", "{\"table\": \"priced\", \"operation\": \"update\", \"data\": {\"label\": \"b\"},"
                + " \"filters\": [{\"column\": \"amount\", \"op\": \"eq\", \"value\": 1.5}]}");
        assertThat(fx.rows("SELECT row_id, changed_columns::text FROM flux.state_mutations WHERE request_id = 'p-2'"))
                .containsExactly(java.util.List.of("1.50", "{label}"));
    }
}
