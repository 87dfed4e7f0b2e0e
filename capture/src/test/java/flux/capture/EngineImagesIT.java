package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.query.model.JsonCodec;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise that the WAL agrees with the engine's log, for what the engine itself renders:
 * rows of every kind of column written through {@link QueryEngine}, paired by a running capture
 * with the engine's own mutation records, every pair's images compared: inserts of every value
 * and of nulls, updates of every column to other values and to null, a delete.
 */
@ExtendWith(FluxTestInfra.class)
class EngineImagesIT {
    private static final String TYPES = """
            DO $$ BEGIN
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
            EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            CREATE TABLE public.%s (id bigint PRIMARY KEY, %s)
            """;
    private static final String COLUMNS = """
            s smallint, i integer, b bigint, n numeric, n2 numeric(12,2), r real, f double precision,
            flag boolean, t text, vc varchar(10), c char(4), u uuid, d date, tm time, ts timestamp,
            tstz timestamptz, j json, jb jsonb, tags text[], nums integer[], raw bytea, m mood, p positive,
            ip inet, wide numeric, big numeric(40,12), nums2 numeric[], iv interval""";
    /**
     * Values a renderer could get wrong: extremes, scales, escapes, time zones, empty containers, numerics
     * beyond a double's digits, NaN, intervals (PostgreSQL's text, signs of mixed fields).
     */
    private static final String FIRST = """
            {"s": -32768, "i": 2147483647, "b": 9223372036854775807, "n": 1234567.125, "n2": 1.5, "r": 1.5,
             "f": 0.1, "flag": true, "t": "héllo ☃ 'q' \\"dq\\" \\\\ back", "vc": "abc", "c": "ab",
             "u": "6F1C0A9E-8C1B-4C7E-9A43-3B4A5F7D2E10", "d": "2026-03-10", "tm": "12:30:00.123456",
             "ts": "2026-03-10T12:00:00.123456", "tstz": "2026-03-10 14:22:00.5+02",
             "j": {"b": 1, "a": [1, 2.50, null]}, "jb": {"a": {"b": null}, "n": 1.0},
             "tags": ["a", "b,c", "d\\"e", null], "nums": [1, 2, 3], "raw": "AAEC/w==", "m": "happy", "p": 3,
             "ip": "192.168.0.1/24", "wide": 12345678901234567890.123456789, "big": 0.000000000001,
             "nums2": [1.5, 12345678901234567890.5, null], "iv": "1 day 02:00:00"}""";
    private static final String SECOND = """
            {"s": 7, "i": -1, "b": 0, "n": -0.000001, "n2": 0.1, "r": 0.25, "f": -2.5e-300, "flag": false,
             "t": "", "vc": "0123456789", "c": "abcd", "u": "00000000-0000-0000-0000-000000000000",
             "d": "1999-12-31", "tm": "00:00:00", "ts": "1970-01-01 00:00:00", "tstz": "2026-03-10T12:00:00Z",
             "j": [1, "two"], "jb": [], "tags": [], "nums": [null], "raw": "", "m": "sad", "p": 4, "ip": "::1",
             "wide": "NaN", "big": -99999999999999999999.5, "nums2": [], "iv": "-1 days +02:30:00.5"}""";

    private final TestPostgres db;
    private final TestKafka kafka;

    EngineImagesIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_engine_images");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void everyKindOfColumnTheEngineWritesIsPairedWithItsRecordAndTheImagesAgree() throws Exception {
        assertPairedAndAgreeing(COLUMNS, FIRST, SECOND);
    }

    private void assertPairedAndAgreeing(String columns, String first, String second) throws Exception {
        String slot = unique("images");
        String table = unique("kinds");
        CaptureFixtures.execute(db, TYPES.formatted(table, columns));
        try (EngineWrites writes = EngineWrites.on(db);
             CapturePipeline pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot))) {
            QueryEngine engine = writes.engine();
            engine.query(RequestId.of("first"), Query.insert(table).row(row(1, first)).build());
            engine.query(RequestId.of("empty"), Query.insert(table).row(row(2, "{}")).build());
            engine.query(RequestId.of("second"), update(table, 1, second));
            engine.query(RequestId.of("filled"), update(table, 2, first));
            engine.query(RequestId.of("emptied"), update(table, 1, nulls(first)));
            engine.query(RequestId.of("gone"), Query.delete(table).where("id", Op.EQ, 2).build());
            int changes = 6;

            CaptureStatus figures = pipeline.figures();
            await("every pair's images compared").atMost(Duration.ofSeconds(60))
                    .until(() -> figures.imagesCompared.get() >= changes);
            assertThat(figures.matched()).as("paired with the engine's records").isEqualTo(changes);
            assertThat(figures.mismatched()).as("pairs whose images differ (the cross-check's warnings name the columns)")
                    .isZero();
            assertThat(figures.untracked()).isZero();
            assertThat(figures.missing()).isZero();
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    private static ObjectNode row(long id, String values) {
        ObjectNode row = (ObjectNode) JsonCodec.parse(values);
        row.put("id", id);
        return row;
    }

    private static Query update(String table, long id, String values) {
        return Query.update(table).row((ObjectNode) JsonCodec.parse(values)).where("id", Op.EQ, id).build();
    }

    /** The same columns, every one null. */
    private static String nulls(String values) {
        ObjectNode all = (ObjectNode) JsonCodec.parse(values);
        all.fieldNames().forEachRemaining(all::putNull);
        return all.toString();
    }
}
