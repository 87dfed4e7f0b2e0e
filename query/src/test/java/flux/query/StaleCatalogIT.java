package flux.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.query.model.JsonCodec;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import flux.query.testing.EngineFixture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Columns changed outside Flux (psql) while the engine's catalog was loaded: a query that names a
 * column the catalog lacks, or whose statement names one PostgreSQL no longer has, rereads the
 * catalog and runs again, at most once a second.
 */
@ExtendWith(FluxTestInfra.class)
class StaleCatalogIT {
    private static final long SECOND = 1_000_000_000L;
    private final EngineFixture fx;
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final QueryEngine engine;

    StaleCatalogIT(TestPostgres pg) {
        fx = new EngineFixture(pg, "stale_catalog", "CREATE TABLE evo (id bigint PRIMARY KEY, a text)");
        engine = new QueryEngine(fx.dataSource, 100, trace -> { }, clock::get);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private QueryResult run(String json) {
        return engine.query(RequestId.generate(), QueryJson.read(JsonCodec.parse(json)));
    }

    @Test
    void aColumnAddedInPsqlIsUsableByTheNextQueryThatNamesIt() {
        run("{\"table\":\"evo\",\"operation\":\"insert\",\"data\":{\"id\":1,\"a\":\"x\"}}");
        fx.execute("ALTER TABLE evo ADD COLUMN b int");
        clock.addAndGet(2 * SECOND);

        QueryResult inserted = run("{\"table\":\"evo\",\"operation\":\"insert\",\"data\":{\"id\":2,\"a\":\"y\",\"b\":7}}");

        assertThat(inserted.rows().get(0).get("b").asInt()).isEqualTo(7);
        assertThat(fx.one("SELECT new ->> 'b' FROM flux.state_mutations WHERE row_id = '2'")).isEqualTo("7");
    }

    @Test
    void aColumnDroppedOrRenamedInPsqlNoLongerBreaksReadsOfTheTable() {
        run("{\"table\":\"evo\",\"operation\":\"insert\",\"data\":{\"id\":1,\"a\":\"x\"}}");
        fx.execute("ALTER TABLE evo RENAME COLUMN a TO a2");
        clock.addAndGet(2 * SECOND);

        QueryResult read = run("{\"table\":\"evo\",\"operation\":\"select\"}");

        assertThat(read.rows().get(0).get("a2").asText()).isEqualTo("x");
        assertThat(read.rows().get(0).has("a")).isFalse();
    }

    /**
     * The update's statement names every column of the table (its changed-columns list): compiled
     * again after the catalog is read, as the schema detector's notification makes it, it no
     * longer names the dropped one. Reused from the cache, it would fail with an unknown column,
     * and the catalog, just read, would not be read again within the second.
     */
    @Test
    void aStatementCompiledBeforeTheCatalogWasReadAgainIsNotReused() {
        fx.execute("ALTER TABLE evo ADD COLUMN b int");
        engine.catalog().refresh();
        run("{\"table\":\"evo\",\"operation\":\"insert\",\"data\":{\"id\":1,\"a\":\"x\"}}");
        String update = "{\"table\":\"evo\",\"operation\":\"update\",\"data\":{\"a\":\"%s\"},"
                + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":1}]}";
        run(update.formatted("y"));
        fx.execute("ALTER TABLE evo DROP COLUMN b");
        engine.catalog().refresh();

        QueryResult updated = run(update.formatted("z"));

        assertThat(updated.rows().get(0).get("a").asText()).isEqualTo("z");
        assertThat(updated.rows().get(0).has("b")).isFalse();
    }

    @Test
    void withinASecondOfTheLastReadAnUnknownColumnFailsWithoutRereadingTheCatalog() {
        run("{\"table\":\"evo\",\"operation\":\"select\"}");
        fx.execute("ALTER TABLE evo ADD COLUMN c int");
        clock.addAndGet(SECOND / 2);

        assertThatThrownBy(() -> run("{\"table\":\"evo\",\"operation\":\"insert\",\"data\":{\"id\":3,\"c\":1}}"))
                .isInstanceOf(UnknownName.class).hasMessage("unknown column \"evo.c\"");
        clock.addAndGet(SECOND);
        assertThat(run("{\"table\":\"evo\",\"operation\":\"insert\",\"data\":{\"id\":3,\"c\":1}}").rows()).hasSize(1);
    }
}
