package flux.capture;

/** PostgreSQL log sequence numbers: 64-bit positions written as {@code X/Y} (two hex halves). */
public final class Lsns {
    private Lsns() {
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
