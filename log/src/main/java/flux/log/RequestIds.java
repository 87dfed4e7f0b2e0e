package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Request ids by prefix, over
 * {@code state_mutations_request_order_idx (request_id text_pattern_ops, id)}: the pattern
 * operators ({@code ~<~}, {@code ~>=~}, ...) compare bytes whatever the database's collation, so
 * the ids that start with a prefix are one range of that index, and an id's
 * neighbours in it are one probe each way. Generated ids are UUIDv7, whose first 12 hex digits
 * are a millisecond timestamp: ids of one minute share their first 8 characters, so a short form
 * must be as long as it takes to differ, as git abbreviates hashes.
 */
public final class RequestIds {
    /**
     * The distinct ids in {@code [from, to)}, one index probe each (a loose index scan: a request
     * of 10,000 records costs one probe, not 10,000 entries).
     */
    private static final String IN_RANGE = """
            WITH RECURSIVE ids(request_id) AS (
                (SELECT request_id FROM flux.state_mutations WHERE request_id ~>=~ ? AND request_id ~<~ ?:tenant
                  ORDER BY request_id USING ~<~ LIMIT 1)
              UNION ALL
                SELECT (SELECT m.request_id FROM flux.state_mutations m
                         WHERE m.request_id ~>~ ids.request_id AND m.request_id ~<~ ?:tenant
                         ORDER BY m.request_id USING ~<~ LIMIT 1)
                  FROM ids WHERE ids.request_id IS NOT NULL)
            SELECT request_id FROM ids WHERE request_id IS NOT NULL LIMIT ?
            """;
    private static final String IN_RANGE_OF_ALL = IN_RANGE.replace(":tenant", "");
    private static final String IN_RANGE_OF_TENANT = IN_RANGE.replace(":tenant", " AND tenant_id = ?");
    /** The nearest other ids below and above one, in byte order. */
    private static final String NEIGHBOURS = """
            SELECT (SELECT request_id FROM flux.state_mutations WHERE request_id ~<~ ?
                     ORDER BY request_id USING ~>~ LIMIT 1) AS below,
                   (SELECT request_id FROM flux.state_mutations WHERE request_id ~>~ ?
                     ORDER BY request_id USING ~<~ LIMIT 1) AS above
            """;

    private RequestIds() {
    }

    /**
     * Up to {@code limit} distinct request ids that start with {@code prefix}, in byte order;
     * {@code tenantId} null for every tenant's.
     */
    public static List<String> startingWith(Connection c, String prefix, String tenantId, int limit) {
        List<String> ids = new ArrayList<>();
        String above = above(prefix);
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? IN_RANGE_OF_ALL : IN_RANGE_OF_TENANT)) {
            int i = 1;
            ps.setString(i++, prefix);
            ps.setString(i++, above);
            if (tenantId != null) {
                ps.setString(i++, tenantId);
            }
            ps.setString(i++, above);
            if (tenantId != null) {
                ps.setString(i++, tenantId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString("request_id"));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return ids;
    }

    /**
     * The shortest prefix of {@code requestId}, at least {@code minimum} characters, that no other
     * request id in the log starts with (the whole id when another id extends it); a prefix never
     * ends at a {@code -}. Unique when answered: a later id may share it, and then it is refused as
     * ambiguous where it is used ({@link #startingWith} finds both).
     */
    public static String abbreviation(Connection c, String requestId, int minimum) {
        int length = Math.min(minimum, requestId.length());
        try (PreparedStatement ps = c.prepareStatement(NEIGHBOURS)) {
            ps.setString(1, requestId);
            ps.setString(2, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (String neighbour : new String[] {rs.getString("below"), rs.getString("above")}) {
                    if (neighbour != null) {
                        length = Math.max(length, commonPrefix(requestId, neighbour) + 1);
                    }
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        while (length < requestId.length() && requestId.charAt(length - 1) == '-') {
            length++;
        }
        return requestId.substring(0, Math.min(length, requestId.length()));
    }

    static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /**
     * The least string above every string that starts with {@code prefix}: the prefix with its
     * last code point raised by one (UTF-8's byte order is code point order). A prefix of only the
     * highest code point has no such bound within text; the highest code point repeated serves.
     */
    static String above(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int last = prefix.codePointBefore(end);
            int start = end - Character.charCount(last);
            if (last < Character.MAX_CODE_POINT) {
                int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
                return prefix.substring(0, start) + new String(Character.toChars(next));
            }
            end = start;
        }
        return new String(Character.toChars(Character.MAX_CODE_POINT)).repeat(prefix.length() + 1);
    }
}
