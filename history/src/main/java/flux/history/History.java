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
 * Errors are {@link HistoryException}s; {@link SQLException}s are failures of the database.
 */
public final class History {
    private final DataSource dataSource;
    private final TableCatalog catalog = new TableCatalog();

    public History(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public HistoryPage history(String table, String id, PageRequest page) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            TableShape shape = catalog.shape(c, TableRef.parse(table));
            return RowHistory.page(c, shape, RowKey.rowId(shape, id), page);
        }
    }

    public Blame blame(String table, String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            TableShape shape = catalog.shape(c, TableRef.parse(table));
            return ColumnBlame.blame(c, shape, RowKey.rowId(shape, id));
        }
    }

    public RowSnapshot at(String table, String id, Instant time) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            TableShape shape = catalog.shape(c, TableRef.parse(table));
            return RowAsOf.at(c, shape, RowKey.rowId(shape, id), time);
        }
    }

    public RequestPage request(String requestId, int limit, String cursor) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return RequestMutations.page(c, requestId, limit, cursor);
        }
    }
}
