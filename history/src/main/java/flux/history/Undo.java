package flux.history;

import flux.query.QueryEngine;
import flux.query.RequestScope;
import flux.query.model.RequestId;
import flux.pg.SqlWork;
import javax.sql.DataSource;

/**
 * Undo of a request (docs/history.md, "Undo a request"): plans it from the log ({@link UndoPlanner})
 * and applies it through the engine, as one transaction that is a request of its own, whose
 * mutation records name the undone request (the log's {@code undoes}). Undoing an undo redoes.
 *
 * <p>The request is read for the scope's tenant (another tenant's request is unknown, a 404), and
 * the writes run in the scope like any of its queries ({@code scope} null: no tenant, every table).
 * Thread-safe. Errors are {@link HistoryException}s ({@code Refused}, {@code Conflicts} with the
 * plan), or the engine's {@code QueryException}s when PostgreSQL refuses a write (a key taken
 * again since, a foreign key). A refused or failed undo changes nothing.
 */
public final class Undo {
    private final DataSource dataSource;
    private final QueryEngine engine;

    public Undo(DataSource dataSource, QueryEngine engine) {
        this.dataSource = dataSource;
        this.engine = engine;
    }

    /** The plan, and what it would overwrite; changes nothing (a dry run). The request id as given. */
    public UndoPlan plan(String requestId, RequestScope scope, UndoForce force) {
        return plan(requestId, RequestIdMatch.EXACT, scope, force);
    }

    /** {@link #plan(String, RequestScope, UndoForce)}, the request named as {@code match} says. */
    public UndoPlan plan(String requestIdOrPrefix, RequestIdMatch match, RequestScope scope, UndoForce force) {
        PgText.storable("request id", requestIdOrPrefix);
        return read("the undo of request " + requestIdOrPrefix,
                c -> UndoPlanner.plan(c, requestIdOrPrefix, match, tenant(scope), force));
    }

    /**
     * Applies the undo as request {@code undoId} ({@code clientId} names the caller for
     * observability, nullable), unless a conflict is not forced ({@link HistoryException.Conflicts}).
     * Conflicts are checked again once the undo's writes hold their rows' locks, so a write that
     * committed meanwhile is not overwritten silently.
     */
    public UndoPlan undo(String requestId, RequestScope scope, UndoForce force, RequestId undoId, String clientId) {
        return undo(requestId, RequestIdMatch.EXACT, scope, force, undoId, clientId);
    }

    /** {@link #undo(String, RequestScope, UndoForce, RequestId, String)}, the request named as {@code match} says. */
    public UndoPlan undo(String requestIdOrPrefix, RequestIdMatch match, RequestScope scope, UndoForce force,
                         RequestId undoId, String clientId) {
        UndoPlan plan = plan(requestIdOrPrefix, match, scope, force);
        refuseUnforced(plan);
        engine.transactionResult(undoId, clientId, scope, tx -> {
            tx.undoes(plan.requestId());
            new UndoWrites(tx, engine).run(plan.steps());
            refuseUnforced(plan(plan.requestId(), scope, force));
            return null;
        });
        return plan.appliedAs(undoId.value());
    }

    private static void refuseUnforced(UndoPlan plan) {
        if (!plan.unforced().isEmpty()) {
            throw new HistoryException.Conflicts(plan);
        }
    }

    private static String tenant(RequestScope scope) {
        return scope == null ? null : scope.tenantId();
    }

    private <T> T read(String reading, SqlWork<T> question) {
        return OnConnection.read(dataSource, reading, question);
    }
}
