package flux.history;

import flux.log.MutationRecord;
import flux.log.RequestIds;
import flux.log.RequestRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request wrote or tried to write, oldest first, in pages ({@link RequestRecords}). The
 * request may be named by its whole id or by a prefix of it (a short id the CLI printed): an id with
 * records is taken as given; otherwise a prefix of at least {@value #MIN_PREFIX} characters that
 * exactly one request id starts with names that request ({@link RequestIds}), and one that several
 * start with is refused, naming them.
 */
final class RequestMutations {
    static final int MIN_PREFIX = 4;
    /** Candidates an ambiguous prefix is refused with, at most. */
    static final int CANDIDATES = 10;
    /** Characters a short form has at least (a UUIDv7's first 8 are a timestamp: more are usually needed). */
    static final int SHORT_FORM = 8;

    private RequestMutations() {
    }

    /** @param tenantId null for every tenant's records */
    static RequestPage page(Connection c, String requestIdOrPrefix, RequestIdMatch match, String tenantId, int limit,
                            String cursor) throws SQLException {
        if (requestIdOrPrefix == null || requestIdOrPrefix.isBlank()) {
            throw new HistoryException.InvalidArgument("a request id is required");
        }
        long after = new PageRequest(false, limit, cursor, null, null).cursorId();
        List<MutationRecord> records = RequestRecords.page(c, requestIdOrPrefix, tenantId, after, limit + 1);
        String requestId = requestIdOrPrefix;
        if (records.isEmpty() && cursor == null && match == RequestIdMatch.EXACT_OR_UNIQUE_PREFIX
                && requestIdOrPrefix.length() >= MIN_PREFIX) {
            List<String> ids = RequestIds.startingWith(c, requestIdOrPrefix, tenantId, CANDIDATES + 1);
            if (ids.size() > 1) {
                throw new HistoryException.AmbiguousRequest(requestIdOrPrefix, ids);
            }
            if (ids.size() == 1) {
                requestId = ids.get(0);
                records = RequestRecords.page(c, requestId, tenantId, after, limit + 1);
            }
        }
        return page(c, requestId, limit, cursor, records);
    }

    /**
     * The whole id of the request {@code requestIdOrPrefix} names (for the reader's tenant): the id
     * itself when it has records, else the one request id the prefix starts.
     *
     * @throws HistoryException.UnknownRequest when no request of the tenant has such an id
     * @throws HistoryException.AmbiguousRequest when several request ids start with the prefix
     */
    static String resolve(Connection c, String requestIdOrPrefix, RequestIdMatch match, String tenantId)
            throws SQLException {
        if (requestIdOrPrefix == null || requestIdOrPrefix.isBlank()) {
            throw new HistoryException.InvalidArgument("a request id is required");
        }
        if (!RequestRecords.page(c, requestIdOrPrefix, tenantId, 0, 1).isEmpty()) {
            return requestIdOrPrefix;
        }
        if (match == RequestIdMatch.EXACT_OR_UNIQUE_PREFIX && requestIdOrPrefix.length() >= MIN_PREFIX) {
            List<String> ids = RequestIds.startingWith(c, requestIdOrPrefix, tenantId, CANDIDATES + 1);
            if (ids.size() > 1) {
                throw new HistoryException.AmbiguousRequest(requestIdOrPrefix, ids);
            }
            if (ids.size() == 1) {
                return ids.get(0);
            }
        }
        throw new HistoryException.UnknownRequest(requestIdOrPrefix);
    }

    /** Short forms of request ids as the CLI prints them: each the shortest prefix that no other id has. */
    static Map<String, String> abbreviations(Connection c, Collection<String> requestIds) throws SQLException {
        Map<String, String> shortForms = new HashMap<>();
        for (String id : requestIds) {
            if (id != null && !shortForms.containsKey(id)) {
                shortForms.put(id, RequestIds.abbreviation(c, id, SHORT_FORM));
            }
        }
        return shortForms;
    }

    private static RequestPage page(Connection c, String requestId, int limit, String cursor,
                                    List<MutationRecord> records) throws SQLException {
        Map<TableRef, TableShape> shapes = new HashMap<>();
        List<HistoryEntry> entries = new ArrayList<>();
        for (MutationRecord record : records) {
            TableRef table = new TableRef(record.tableSchema(), record.tableName());
            if (!shapes.containsKey(table)) {
                shapes.put(table, TableCatalog.find(c, table));
            }
            TableShape shape = shapes.get(table);
            entries.add(HistoryEntries.of(record, shape, true));
        }
        if (entries.isEmpty() && cursor == null) {
            throw new HistoryException.UnknownRequest(requestId);
        }
        String next = null;
        if (entries.size() > limit) {
            entries.remove(entries.size() - 1);
            next = Long.toString(entries.get(entries.size() - 1).id());
        }
        return new RequestPage(requestId, next, List.copyOf(entries));
    }
}
