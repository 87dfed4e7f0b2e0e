package flux.query;

import flux.query.testing.EngineFixture;
import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.Seed;
import flux.dev.testing.Seeds;
import flux.dev.testing.TestPostgres;
import flux.query.model.JsonCodec;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mutation log's txid order is each row's change order, also when writes of one row by
 * its key race writes of many rows (which lock the table instead of each row): every row's
 * committed records chain, each old image the previous record's new image, in txid order.
 */
@ExtendWith({FluxTestInfra.class, Seeds.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteOrderIT {
    private static final int ROWS = 8;
    private static final int WRITERS = 12;
    /** A fixed amount of work, not a span of time: the same on a fast machine and a busy one. */
    private static final int WRITES_EACH = 40;
    private final EngineFixture fx;

    WriteOrderIT(TestPostgres pg) {
        fx = new EngineFixture(pg, "order", "CREATE TABLE slots (id integer PRIMARY KEY, v integer NOT NULL, by text)");
    }

    @AfterAll
    void close() {
        fx.close();
    }

    @Test
    void keyWritesAndWritesOfManyRowsInterleaveInTxidOrder(Seed seed) throws Exception {
        fx.execute("INSERT INTO slots SELECT g, 0, 'start' FROM generate_series(1, " + ROWS + ") g");
        AtomicInteger values = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            boolean bulk = w < 2;
            Random random = seed.random(w);
            writers.add(pool.submit(() -> {
                for (int k = 0; k < WRITES_EACH; k++) {
                    int v = values.incrementAndGet();
                    String filter = bulk
                            ? "{\"column\": \"id\", \"op\": \"gt\", \"value\": " + random.nextInt(ROWS / 2) + "}"
                            : "{\"column\": \"id\", \"op\": \"eq\", \"value\": " + (1 + random.nextInt(ROWS)) + "}";
                    fx.engine.query(RequestId.of("w" + v), QueryJson.read(JsonCodec.parse(
                            "{\"table\": \"slots\", \"operation\": \"update\", \"data\": {\"v\": " + v + ", \"by\": \""
                                    + (bulk ? "bulk" : "key") + "\"}, \"filters\": [" + filter + "]}")));
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : writers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<List<String>> log = fx.rows("""
                SELECT m.row_id, m.old::text, m.new::text, m.txid::text, m.new ->> 'by' FROM flux.state_mutations m
                 WHERE m.status = 'committed' ORDER BY m.row_id, m.txid""");
        assertThat(log.stream().map(r -> r.get(4)).distinct()).as("both kinds of writer got through").contains("bulk", "key");
        String row = null;
        String previous = null;
        for (List<String> r : log) {
            if (!r.get(0).equals(row)) {
                row = r.get(0);
                previous = "{\"v\": 0, \"by\": \"start\", \"id\": " + row + "}";
            }
            assertThat(JsonCodec.parse(r.get(1))).as("old image of row %s at txid %s", row, r.get(3))
                    .isEqualTo(JsonCodec.parse(previous));
            previous = Objects.requireNonNull(r.get(2));
        }
        assertThat(fx.rows("SELECT id::text, v::text FROM slots ORDER BY slots.id")).hasSize(ROWS);
    }
}
