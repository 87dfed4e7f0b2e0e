package flux.log;

/**
 * A PostgreSQL {@code xid8}: the 64-bit transaction id (epoch and xid) of
 * {@code pg_current_xact_id()}. Unsigned: {@code value} holds its bits, and {@link #toString()}
 * is the decimal text PostgreSQL reads and writes.
 */
public record TxId(long value) {

    /** The id from its decimal text; null for null. */
    public static TxId parse(String text) {
        return text == null ? null : new TxId(Long.parseUnsignedLong(text));
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
