package flux.capture.wal;

/**
 * Turns the 32-bit xids that logical decoding reports into the 64-bit {@code xid8} values that
 * {@code pg_current_xact_id()} returns (epoch in the high half). The reference (the server's
 * next xid, refreshed every few seconds) is close to every decoded transaction, before or
 * after it, so the epoch is the one that puts the xid within 2^31 of the reference.
 */
public final class TransactionIds {
    private volatile long reference = -1;

    /** @param nextXid8 {@code pg_snapshot_xmax(pg_current_snapshot())} */
    public void updateReference(long nextXid8) {
        reference = nextXid8;
    }

    public long toXid8(long xid32) {
        long ref = reference;
        if (ref < 0) {
            return xid32; // epoch 0 until the first reference: right on any cluster younger than 2^32 xids
        }
        long full = (ref & 0xFFFFFFFF00000000L) | (xid32 & 0xFFFFFFFFL);
        if (full - ref > (1L << 31) && full >= (1L << 32)) {
            return full - (1L << 32);
        }
        if (ref - full > (1L << 31)) {
            return full + (1L << 32);
        }
        return full;
    }
}
