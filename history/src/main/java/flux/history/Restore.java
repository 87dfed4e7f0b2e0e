package flux.history;

import flux.pg.SqlWork;
import flux.query.QueryEngine;
import flux.query.RequestScope;
import flux.query.model.Operation;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;

/**
 * Brings a deleted row back (docs/history.md, "Restore a deleted row"): the row as it was just
 * before it was removed (a DELETE, a TRUNCATE of its table, a key change away), or as it was at a
 * given moment ({@link RowAsOf}), inserted again through the engine as a request of its own, with
 * its original key. Refused when the row exists now (its key is taken) or did not exist at that
 * moment; a key taken by a write the log does not know yet is the engine's constraint violation.
 * The row is read for the scope's tenant and written in its scope. Thread-safe.
 */
public final class Restore {
    /** "Now" for the log: after every record, whatever the clocks of this process and the database say. */
    private static final Instant LATEST = Instant.parse("9999-12-30T00:00:00Z");

    private final DataSource dataSource;
    private final QueryEngine engine;
    private final TableCatalog catalog = new TableCatalog();

    public Restore(DataSource dataSource, QueryEngine engine) {
        this.dataSource = dataSource;
        this.engine = engine;
    }

    /** @param at the moment to restore the row as of; null: just before it was removed */
    public RestoredRow restore(String table, String id, Instant at, RequestScope scope, RequestId restoreId,
                               String clientId) {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        String tenantId = scope == null ? null : scope.tenantId();
        Planned planned = read("the restore of " + table + " row " + id, c -> {
            TableShape shape = catalog.shape(c, ref);
            String rowId = RowKey.rowId(shape, id);
            RowSnapshot now = RowAsOf.at(c, shape, rowId, tenantId, LATEST);
            if (now.exists()) {
                throw new HistoryException.Refused(shape.table().display() + " row " + rowId
                        + " exists (its key is taken): there is nothing to restore");
            }
            RowSnapshot then = at != null ? RowAsOf.at(c, shape, rowId, tenantId, at)
                    : RowAsOf.at(c, shape, rowId, tenantId,
                    Instant.parse(now.mutation().at()).minus(1, ChronoUnit.MICROS));
            if (!then.exists()) {
                throw new HistoryException.Refused(shape.table().display() + " row " + rowId + " did not exist "
                        + (at != null ? "at " + at : "before its last removal (" + now.mutation().operation() + " by "
                        + now.mutation().requestId() + ")") + ": there is no image to restore");
            }
            return new Planned(shape.table(), new RestoredRow(shape.table().display(), rowId, then.time(),
                    at == null ? now.mutation() : null, restoreId.value(), then.row()));
        });
        String target = planned.table().schema() + "." + planned.table().name();
        engine.query(restoreId, clientId, scope, new Query(target, Operation.INSERT, List.of(), List.of(),
                List.of(ImageValues.forQuery(engine, target, planned.row().row(), true)), null, null, List.of(), false, true));
        return planned.row();
    }

    private record Planned(TableRef table, RestoredRow row) {
    }

    private <T> T read(String reading, SqlWork<T> question) {
        return OnConnection.read(dataSource, reading, question);
    }
}
