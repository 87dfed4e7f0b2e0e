package flux.query;

/**
 * The caller may not do this, whatever the query's shape: a tenant writing a row for another
 * tenant, or writing while over its storage quota. Detected before anything reaches the
 * database. {@link #reason()} is the stable kind.
 */
public final class AccessRefused extends QueryException {
    /** Why, for clients that switch on it (the HTTP layer maps each to a problem type). */
    public enum Reason {
        /** An insert naming another tenant's {@code tenant_id}, or an update changing it. */
        TENANT_MISMATCH,
        /** An insert or update by a tenant whose measured storage is at or above its quota. */
        QUOTA_EXCEEDED
    }

    private final Reason reason;

    public AccessRefused(Reason reason, String message) {
        // 42501 insufficient_privilege / 53100 disk_full: the standard codes closest to each.
        super(message, reason == Reason.TENANT_MISMATCH ? "42501" : "53100", null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
