package flux.bench;

import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.math.BigDecimal;
import java.util.Map;

/** (c): the engine in-process, one single-query transaction per write (tag, DML, mutation record). */
final class EngineTarget implements WriteTarget {
    private final QueryEngine engine;
    private final AutoCloseable resources;

    EngineTarget(QueryEngine engine) {
        this(engine, () -> { });
    }

    /** @param resources closed with the target (e.g. the observers' analysis thread) */
    EngineTarget(QueryEngine engine, AutoCloseable resources) {
        this.engine = engine;
        this.resources = resources;
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }

    @Override
    public void insert(long id) {
        engine.query(RequestId.generate(), Query.insert("bench_engine")
                .set(Map.of("id", id, "name", "row " + id, "amount", BigDecimal.valueOf(id % 10_000, 2))).build());
    }

    @Override
    public void update(long id, long value) {
        engine.query(RequestId.generate(), Query.update("bench_engine")
                .set(Map.of("amount", BigDecimal.valueOf(value % 10_000, 2))).where("id", Op.EQ, id).build());
    }
}
