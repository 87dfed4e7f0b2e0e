package flux.bench;

import java.sql.Connection;
import java.sql.SQLException;

/** A table's backlog, written API-style in transactions of a fixed size, each call after the last. */
final class Backlog {
    private final BenchDatabase db;
    private final String table;
    private final int txSize;
    private long written;

    Backlog(BenchDatabase db, String table, int txSize) {
        this.db = db;
        this.table = table;
        this.txSize = txSize;
    }

    /** The next {@code count} rows. */
    void write(long count) throws SQLException {
        write(db, table, written, count, txSize);
        written += count;
    }

    /** Inserts ids after+1..after+count in transactions of {@code txSize} rows, each tagged as an API request. */
    static void write(BenchDatabase db, String table, long after, long count, int txSize) throws SQLException {
        long last = after + count;
        try (Connection c = db.connect()) {
            for (long from = after + 1; from <= last; from += txSize) {
                BenchDatabase.insertRange(c, table, table + "-" + from, from, Math.min(last, from + txSize - 1));
            }
        }
    }
}
