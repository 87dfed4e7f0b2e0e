package flux.bench.crash;

import java.util.List;

/**
 * One write the workload sent, and what came of it as the client saw it. {@code rows} are the
 * rows it writes, each with the operation its mutation record must carry; a transaction writes
 * several, all or none.
 */
record Attempt(String requestId, String kind, List<RowWrite> rows, Outcome outcome, int status, String phase) {

    /** A row the attempt writes: its id, the record's operation, and the {@code seq} the row gets. */
    record RowWrite(long id, String operation, int seq) {
    }

    /**
     * What the client knows: {@code ACKNOWLEDGED} (200: every row must be written); {@code ERROR} (an
     * answer other than 200, e.g. 503 while the database is down: all rows written or none, as a
     * commit whose acknowledgement the database lost may still have happened); {@code NOT_SENT} (no
     * connection: nothing may be written); {@code LOST} (sent, but the answer never came: all or none).
     */
    enum Outcome { ACKNOWLEDGED, ERROR, NOT_SENT, LOST }
}
