package flux.tenancy;

import java.sql.SQLException;

/**
 * PostgreSQL refused or failed a tenant's administration (roles, grants, extensions, a purge):
 * unchecked, with the message and SQLSTATE PostgreSQL gave, prefixed by what was being done.
 * (Bad input is {@link IllegalArgumentException}, refused before any SQL runs.)
 */
public final class TenancyException extends RuntimeException {
    private final String sqlState;

    public TenancyException(String doing, SQLException cause) {
        super(doing + ": " + cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    /** PostgreSQL's code, e.g. {@code 2BP01} (objects depend on an extension being dropped). */
    public String sqlState() {
        return sqlState;
    }
}
