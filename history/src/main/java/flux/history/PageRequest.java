package flux.history;

import flux.log.OrderKey;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Which page of a history to read. {@code cursor} is the {@code next_cursor} of the previous
 * page (null for the first); {@code from} (inclusive) and {@code to} (exclusive) bound the
 * records' times and may be null.
 */
public record PageRequest(boolean newestFirst, int limit, String cursor, Instant from, Instant to) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new HistoryException.InvalidArgument("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new HistoryException.InvalidArgument("from (" + from + ") must be before to (" + to + ")");
        }
    }

    /**
     * A page request from text parameters (HTTP query values): {@code order} {@code newest}
     * (default) or {@code oldest}, {@code limit} (default {@value #DEFAULT_LIMIT}), times as
     * {@link Moments#parse} reads them in {@code zone}. Any may be null.
     */
    public static PageRequest parse(String order, String limit, String cursor, String from, String to, ZoneId zone) {
        return new PageRequest(newestFirst(order), limit(limit), cursor,
                from == null ? null : Moments.parse(from, zone), to == null ? null : Moments.parse(to, zone));
    }

    /** A limit given as text; null means the default. */
    public static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new HistoryException.InvalidArgument("limit must be a number between 1 and " + MAX_LIMIT
                    + ", not \"" + text + "\"");
        }
    }

    private static boolean newestFirst(String order) {
        if (order == null || order.isBlank() || order.equals("newest")) {
            return true;
        }
        if (order.equals("oldest")) {
            return false;
        }
        throw new HistoryException.InvalidArgument("order must be newest or oldest, not \"" + order + "\"");
    }

    public static PageRequest newestFirst(int limit) {
        return new PageRequest(true, limit, null, null, null);
    }

    public PageRequest next(String nextCursor) {
        return new PageRequest(newestFirst, limit, nextCursor, from, to);
    }

    /** The cursor is the place (commit order) of the last entry shown; opaque to clients. */
    OrderKey cursorKey() {
        if (cursor == null) {
            return newestFirst ? OrderKey.LAST : OrderKey.FIRST;
        }
        try {
            return OrderKey.parse(cursor);
        } catch (IllegalArgumentException e) {
            throw new HistoryException.InvalidArgument("invalid cursor \"" + cursor + "\"");
        }
    }

    /** A cursor of pages ordered by record id alone (a request's records): the id of the last entry shown. */
    long cursorId() {
        if (cursor == null) {
            return 0L;
        }
        try {
            long id = Long.parseLong(cursor);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new HistoryException.InvalidArgument("invalid cursor \"" + cursor + "\"");
    }
}
