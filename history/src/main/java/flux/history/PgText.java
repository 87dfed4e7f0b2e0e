package flux.history;

/**
 * PostgreSQL text cannot hold the NUL character (U+0000): binding one fails with SQLSTATE 22021,
 * a failure of the statement rather than an answer. A name, key or request id that holds one
 * names nothing that can exist, so it is refused as malformed before any SQL runs.
 */
final class PgText {
    private PgText() {
    }

    /** {@code value} unchanged, or {@link HistoryException.InvalidArgument} naming {@code what} when it holds a NUL. */
    static String storable(String what, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new HistoryException.InvalidArgument(what + " contains a NUL character (U+0000), which PostgreSQL text cannot hold");
        }
        return value;
    }
}
