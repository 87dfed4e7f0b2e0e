package flux.tenancy;

import java.sql.SQLException;

/**
 * PostgreSQL refused or failed a tenant's administration (provisioning, isolation, roles, grants,
 * extensions, a purge): the module's one error, unchecked, with the SQLSTATE PostgreSQL gave and
 * a {@link Reason} read from it. The public entry points convert at their edge ({@link TenantDirectory});
 * the helpers that work in a caller's transaction on its connection ({@link TenantSchemas},
 * {@link TenantPolicies}, ...) stay on {@link SQLException} (and pg's unchecked
 * {@link flux.pg.DatabaseException} where they run its transaction template), so a caller composes
 * them in one transaction. (Bad input is {@link IllegalArgumentException}, refused before any SQL runs.)
 */
public final class TenancyException extends RuntimeException {
    /** What the caller can do about it. */
    public enum Reason {
        /** Objects depend on what was to be dropped ({@code 2BP01}, e.g. an extension a tenant's table uses): a conflict. */
        IN_USE,
        /** The database was not reached (SQLSTATE class {@code 08}): worth retrying. */
        UNAVAILABLE,
        /** Any other failure of PostgreSQL's: not the caller's doing, not fixed by retrying. */
        FAILED
    }

    private final String sqlState;

    /** A failure of {@code doing} (say {@code "cannot delete tenant acme"}), which prefixes PostgreSQL's message. */
    public TenancyException(String doing, SQLException cause) {
        super(doing + ": " + cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    /** PostgreSQL's message as it is: provisioning's, which the CLI has always printed so. */
    TenancyException(SQLException cause) {
        super(cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    /** PostgreSQL's code, e.g. {@code 2BP01} (objects depend on an extension being dropped). */
    public String sqlState() {
        return sqlState;
    }

    public Reason reason() {
        if ("2BP01".equals(sqlState)) {
            return Reason.IN_USE;
        }
        return sqlState != null && sqlState.startsWith("08") ? Reason.UNAVAILABLE : Reason.FAILED;
    }
}
