package flux.app.http.auth;

import flux.query.sql.SqlErrors;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpRequest;

/**
 * The caller of a request, as {@link AnonymousRequestFilter} or {@link PresentedKeyFilter} found it, and the
 * checks of its rights.
 */
public final class Callers {
    static final String ATTRIBUTE = "flux.principal";

    private Callers() {
    }

    /** Records the caller a filter authenticated (the API's, or the web UI's from its login cookie). */
    public static void attach(HttpRequest<?> request, Principal caller) {
        request.setAttribute(ATTRIBUTE, caller);
    }

    /** The caller; requests outside {@code /v1} (health, metrics) have none and get {@link Principal#OPEN}. */
    public static Principal of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, Principal.class).orElse(Principal.OPEN);
    }

    /** The caller, when it has at least {@code needed}; otherwise {@link Forbidden} (403). */
    public static Principal require(HttpRequest<?> request, Role needed) {
        Principal caller = of(request);
        if (!caller.may(needed)) {
            throw new Forbidden("this API key is " + caller.role().label() + "; this needs " + needed.label());
        }
        return caller;
    }

    /**
     * Refuses a tenant's non-admin key (403 {@link Forbidden}) what spans every tenant and cannot be
     * narrowed to one: {@code what} are the whole server's figures. Operators pass: callers without a
     * tenant (open mode, probes without credentials) and admin keys.
     */
    public static void requireOperator(HttpRequest<?> request, String what) {
        Principal caller = of(request);
        if (caller.tenantId() != null && !caller.may(Role.ADMIN)) {
            throw new Forbidden(what + " are the whole server's; tenant " + caller.tenantId()
                    + "'s " + caller.role().label() + " key may not read them (an admin key may)");
        }
    }

    /**
     * Whether the caller may read what a probe shows only to the server's operator (why capture
     * failed: the reason names tables, roles and the database's settings). An admin key may. A
     * caller without credentials may only in {@code open} mode, where it is an admin of the whole
     * API anyway; in {@code keys} mode it is a probe (a load balancer), which sees states only.
     */
    public static boolean isOperatorProbe(HttpRequest<?> request, AuthMode mode) {
        Principal caller = of(request);
        return caller.keyId() == null ? mode == AuthMode.OPEN : caller.may(Role.ADMIN);
    }

    /**
     * The table a name means in history's requests: a schema-mode tenant's bare name is its own
     * schema's table, as in the query API; anything else as given.
     */
    public static String historyTable(String table, TenantScope scope) {
        boolean bare = table.indexOf('.') < 0;
        return scope != null && scope.isolation() == TenantScope.Isolation.SCHEMA && bare
                ? TenantSchemas.schemaOf(scope.tenantId()) + "." + table : table;
    }

    /**
     * The tenant scope the caller's requests run in (its tenant's isolation mode and quota
     * state), or null for a caller without a tenant (open mode): such a caller sees everything.
     */
    public static TenantScope scope(Principal caller, TenantDirectory tenants) {
        if (caller.tenantId() == null) {
            return null;
        }
        try {
            return tenants.scopeOf(caller.tenantId());
        } catch (DataAccessException | CannotGetJdbcConnectionException e) {
            // The engine's error for a failing database: 503 when it is unreachable, as for a query.
            throw SqlErrors.connectionFailure("read tenant " + caller.tenantId(), e);
        }
    }
}
