package flux.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The front door of row history over the mutation log {@code flux.state_mutations}: pages of
 * a row's history, column blame, the row as of a moment, and a request's mutations.
 * Requires {@link HistorySchema#install} to have run. Thread-safe; each call borrows one
 * connection and reads with autocommit (one statement is one snapshot; a page's keyset
 * cursor keeps paging consistent across snapshots).
 *
 * <p>Tables are named {@code table} or {@code schema.table} and checked against pg_catalog
 * (a known table's shape is remembered for a few seconds, so most calls are one round trip);
 * row ids follow docs/contracts.md ({@code 42}; composite {@code a,b} or {@code ["a","b"]}).
 * Errors are {@link HistoryException}s (text PostgreSQL cannot hold, a NUL, is malformed input and
 * refused before any SQL); {@link SQLException}s are failures of the database.
 *
 * <p>Each question takes the reader's tenant ({@code tenantId}, null for a reader of every
 * tenant, e.g. an operator): a tenant sees only the records written for it, so another tenant's
 * row or request is unknown to it (the same answer as one that never existed).
 */
public final class History {
    private final DataSource dataSource;
    private final TableCatalog catalog = new TableCatalog();

    public History(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public HistoryPage history(String table, String id, PageRequest page) throws SQLException {
        return history(table, id, page, null);
    }

    public HistoryPage history(String table, String id, PageRequest page, String tenantId) throws SQLException {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        try (Connection c = dataSource.getConnection()) {
            TableShape shape = catalog.shape(c, ref);
            return RowHistory.page(c, shape, new RowFilter(shape.table(), RowKey.rowId(shape, id), tenantId), page);
        }
    }

    public Blame blame(String table, String id) throws SQLException {
        return blame(table, id, null);
    }

    public Blame blame(String table, String id, String tenantId) throws SQLException {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        try (Connection c = dataSource.getConnection()) {
            TableShape shape = catalog.shape(c, ref);
            return ColumnBlame.blame(c, shape, RowKey.rowId(shape, id), tenantId);
        }
    }

    public RowSnapshot at(String table, String id, Instant time) throws SQLException {
        return at(table, id, time, null);
    }

    public RowSnapshot at(String table, String id, Instant time, String tenantId) throws SQLException {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        try (Connection c = dataSource.getConnection()) {
            TableShape shape = catalog.shape(c, ref);
            return RowAsOf.at(c, shape, new RowFilter(shape.table(), RowKey.rowId(shape, id), tenantId), time);
        }
    }

    public RequestPage request(String requestId, int limit, String cursor) throws SQLException {
        return request(requestId, limit, cursor, null);
    }

    public RequestPage request(String requestId, int limit, String cursor, String tenantId) throws SQLException {
        PgText.storable("request id", requestId);
        try (Connection c = dataSource.getConnection()) {
            return RequestMutations.page(c, requestId, tenantId, limit, cursor);
        }
    }
}
