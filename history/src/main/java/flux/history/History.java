package flux.history;

import flux.pg.SqlWork;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The front door of row history over the mutation log {@code flux.state_mutations}: pages of
 * a row's history, column blame, the row as of a moment, and a request's mutations.
 * Requires {@link HistorySchema#install} to have run. Thread-safe; each call borrows one
 * connection and reads with autocommit (one statement is one snapshot; a page's keyset
 * cursor keeps paging consistent across snapshots).
 *
 * <p>Tables are named {@code table} or {@code schema.table} and checked against pg_catalog, then
 * the schema journal (a table renamed since answers under its new name, a dropped one keeps its
 * history); a known table's shape is remembered for a few seconds, so most calls are one round trip.
 * Across schema changes, images show columns under their names now (entries say which were renamed),
 * blame credits a renamed column with the writes made under its old name, and as-of reads give the
 * row the shape the table had at that moment;
 * row ids follow docs/contracts.md ({@code 42}; composite {@code a,b} or {@code ["a","b"]}).
 * Every error is a {@link HistoryException}, unchecked: a failing database is its
 * {@link HistoryException.DatabaseFailure} kind.
 * Text PostgreSQL cannot hold (a NUL) is malformed input, refused before any SQL.
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

    public HistoryPage history(String table, String id, PageRequest page) {
        return history(table, id, page, null);
    }

    public HistoryPage history(String table, String id, PageRequest page, String tenantId) {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        return read("the history of " + table + " row " + id, c -> {
            TableShape shape = catalog.shape(c, ref);
            return RowHistory.page(c, shape, RowKey.rowId(shape, id), tenantId, page);
        });
    }

    public Blame blame(String table, String id) {
        return blame(table, id, null);
    }

    public Blame blame(String table, String id, String tenantId) {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        return read("the blame of " + table + " row " + id, c -> {
            TableShape shape = catalog.shape(c, ref);
            return ColumnBlame.blame(c, shape, RowKey.rowId(shape, id), tenantId);
        });
    }

    public RowSnapshot at(String table, String id, Instant time) {
        return at(table, id, time, null);
    }

    public RowSnapshot at(String table, String id, Instant time, String tenantId) {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        return read(table + " row " + id + " at " + time, c -> {
            TableShape shape = catalog.shape(c, ref);
            return RowAsOf.at(c, shape, RowKey.rowId(shape, id), tenantId, time);
        });
    }

    /** How row {@code id} differs between {@code from} and {@code to} (each inclusive), column by column. */
    public RowDiff diff(String table, String id, Instant from, Instant to, String tenantId) {
        TableRef ref = TableRef.parse(table);
        PgText.storable("row id", id);
        return read("the diff of " + table + " row " + id, c -> {
            TableShape shape = catalog.shape(c, ref);
            String rowId = RowKey.rowId(shape, id);
            return RowDiff.of(RowAsOf.at(c, shape, rowId, tenantId, from), RowAsOf.at(c, shape, rowId, tenantId, to));
        });
    }

    /** The rows of {@code table} that changed between {@code from} and {@code to}, their net changes, paged by row id. */
    public TableChanges changes(String table, Instant from, Instant to, int limit, String cursor, String tenantId) {
        TableRef ref = TableRef.parse(table);
        if (cursor != null) {
            PgText.storable("cursor", cursor);
        }
        return read("the changes of " + table, c -> TableChanges.read(c, catalog.shape(c, ref), tenantId, from, to,
                cursor, limit));
    }

    public RequestPage request(String requestId, int limit, String cursor) {
        return request(requestId, RequestIdMatch.EXACT, limit, cursor, null);
    }

    public RequestPage request(String requestId, int limit, String cursor, String tenantId) {
        return request(requestId, RequestIdMatch.EXACT, limit, cursor, tenantId);
    }

    /**
     * With {@link RequestIdMatch#EXACT_OR_UNIQUE_PREFIX}, {@code requestId} may be a unique prefix of
     * the id (a short form); an ambiguous one is an error naming the candidates.
     */
    public RequestPage request(String requestId, RequestIdMatch match, int limit, String cursor, String tenantId) {
        PgText.storable("request id", requestId);
        return read("the mutations of request " + requestId,
                c -> RequestMutations.page(c, requestId, match, tenantId, limit, cursor));
    }

    /**
     * The short form of each request id, as the CLI prints it: the shortest prefix (at least 8
     * characters) that no other request id in the log starts with, so {@link #request} takes it back.
     */
    public Map<String, String> abbreviations(Collection<String> requestIds) {
        if (requestIds.size() > PageRequest.MAX_LIMIT) {
            throw new HistoryException.InvalidArgument("at most " + PageRequest.MAX_LIMIT + " request ids at once");
        }
        return read("short forms of " + requestIds.size() + " request ids",
                c -> RequestMutations.abbreviations(c, requestIds));
    }

    /** Runs one question on a connection of its own; a failing database becomes a {@link HistoryException}. */
    private <T> T read(String reading, SqlWork<T> question) {
        return OnConnection.read(dataSource, reading, question);
    }
}
