package flux.log;

/**
 * A record's place in its row's history: records sort by {@code (position, id)}, where
 * {@code position} is {@code coalesce(placed_after, id)} (mutation-log.sql, "Commit order"). The
 * engine's records have {@code position == id}; a record capture placed has the id of the last
 * record streamed before its change, so it sorts right after that record and before every record
 * with a higher id, whatever its own id.
 */
public record OrderKey(long position, long id) implements Comparable<OrderKey> {
    /** Below every record. */
    public static final OrderKey FIRST = new OrderKey(0, 0);
    /** Above every record. */
    public static final OrderKey LAST = new OrderKey(Long.MAX_VALUE, Long.MAX_VALUE);

    /** The key of a record with {@code placedAfter} (null for the engine's records) and {@code id}. */
    public static OrderKey of(Long placedAfter, long id) {
        return new OrderKey(placedAfter == null ? id : placedAfter, id);
    }

    @Override
    public int compareTo(OrderKey other) {
        int byPosition = Long.compare(position, other.position);
        return byPosition != 0 ? byPosition : Long.compare(id, other.id);
    }

    /** Whether this key sorts after {@code other}. */
    public boolean isAfter(OrderKey other) {
        return compareTo(other) > 0;
    }

    /** {@code 17} for a key whose position is its id, else {@code 12.17}: what {@link #parse} reads. */
    @Override
    public String toString() {
        return position == id ? Long.toString(id) : position + "." + id;
    }

    /**
     * A key from {@link #toString()}'s form; a bare number is an engine record's key (the form of
     * keys before commit order, so older cursors still read).
     *
     * @throws IllegalArgumentException when the text is not such a key
     */
    public static OrderKey parse(String text) {
        int dot = text.indexOf('.');
        try {
            long id = Long.parseLong(dot < 0 ? text : text.substring(dot + 1));
            long position = dot < 0 ? id : Long.parseLong(text.substring(0, dot));
            if (id > 0 && position >= 0 && position <= id) {
                return new OrderKey(position, id);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("not a record's place: \"" + text + "\"");
    }
}
