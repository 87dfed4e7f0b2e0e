package flux.query.testing.workload;

import flux.query.QueryEngine;
import flux.query.QueryException;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;

/** Applies API steps through {@link QueryEngine}: one write as one query, several as one transaction. */
public final class EngineExecutor implements Workload.Executor {
    private final QueryEngine engine;
    private final String table;

    public EngineExecutor(QueryEngine engine, String table) {
        this.engine = engine;
        this.table = table;
    }

    @Override
    public Outcome apply(Step step) {
        Step.Api api = (Step.Api) step;
        RequestId id = RequestId.of(api.requestId());
        try {
            if (api.writes().size() == 1 && !api.callerAborts()) {
                engine.query(id, QueryJson.read(api.writes().get(0).toJson(table)));
            } else {
                engine.transaction(id, tx -> {
                    for (Write w : api.writes()) {
                        tx.query(QueryJson.read(w.toJson(table)));
                    }
                    if (api.callerAborts()) {
                        throw new CallerAbort(api.requestId());
                    }
                });
            }
            return Outcome.committed(step);
        } catch (QueryException e) {
            return Outcome.failed(step, e.sqlState());
        } catch (CallerAbort e) {
            return Outcome.failed(step, "40000");
        }
    }

    /** The caller's own failure after its writes: the engine rolls back and records them as attempts. */
    static final class CallerAbort extends RuntimeException {
        CallerAbort(String requestId) {
            super("workload step " + requestId + " aborts after its writes", null, false, false);
        }
    }
}
