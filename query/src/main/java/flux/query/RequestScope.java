package flux.query;

import flux.query.catalog.Catalog;
import flux.query.catalog.Table;
import flux.query.model.Query;

/**
 * Who a request acts for beyond the login role, as far as the engine needs to know: how its
 * table names resolve, how its queries are narrowed on the model before they are compiled (so
 * the compiler knows nothing of tenants), and the setting and database role its transaction
 * starts with, so PostgreSQL enforces the same narrowing. Tenancy's {@code TenantScope} is the
 * implementation; a request without a scope (null) acts as the login role and sees every table.
 * Implementations are immutable and thread-safe.
 */
public interface RequestScope {
    /** Set as {@code flux.tenant_id} for the transaction and stored on its mutation records. */
    String tenantId();

    /** The database role the transaction runs as ({@code set_config('role', ..., true)}). */
    String role();

    /** The table {@code name} means in this scope; unknown names throw {@link UnknownName}. */
    Table resolve(Catalog catalog, String name, boolean refreshOnMiss);

    /** {@code query} narrowed to this scope, or refused ({@link AccessRefused}). */
    Query apply(Query query, Table table);
}
