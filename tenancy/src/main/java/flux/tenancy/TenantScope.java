package flux.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import flux.query.AccessRefused;
import flux.query.RequestScope;
import flux.query.UnknownName;
import flux.query.catalog.Catalog;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Names;
import flux.query.model.Op;
import flux.query.model.Operation;
import flux.query.model.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tenant a request acts for, and how that tenant is isolated. The engine narrows every
 * query to the tenant here, on the query model, before compiling (so the compiler stays
 * tenant-agnostic), and starts the transaction with {@code flux.tenant_id} and the tenant's
 * database role set, so PostgreSQL enforces the same narrowing ({@link TenantPolicies},
 * {@link TenantSchemas}). A request without a scope (open mode, an operator's tool) sees
 * every table as the login role does.
 *
 * <p>{@link Isolation#ROW}: only tables with a {@code tenant_id} column exist for the tenant;
 * reads, updates and deletes get an {@code eq tenant_id} filter; inserts are stamped, and an
 * insert naming another tenant, or an update assigning {@code tenant_id}, is refused.
 * {@link Isolation#SCHEMA}: names resolve in {@code t_<id>_api} only. {@code overQuota}: the
 * tenant's last measured storage reached its quota; inserts and updates are refused, reads and
 * deletes (the way back under the quota) still run. Immutable.
 */
public record TenantScope(String tenantId, Isolation isolation, boolean overQuota) implements RequestScope {

    /** How a tenant's data is kept apart. */
    public enum Isolation {
        /** Shared tables with a {@code tenant_id} column, row-level security as {@code flux_runtime}. */
        ROW,
        /** A schema {@code t_<id>_api} per tenant, used as the role {@code t_<id>}. */
        SCHEMA;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Isolation parse(String label) {
            for (Isolation i : values()) {
                if (i.label().equals(label)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("isolation mode must be row or schema, not \"" + label + "\"");
        }
    }

    public TenantScope {
        ApiKeyStore.requireTenant(tenantId);
        Objects.requireNonNull(isolation, "isolation");
    }

    /** The database role the tenant's transactions run as. */
    @Override
    public String role() {
        return isolation == Isolation.ROW ? TenantPolicies.RUNTIME_ROLE : TenantSchemas.roleOf(tenantId);
    }

    /**
     * The table {@code name} means for this tenant. Row mode: a catalog table with a
     * {@code tenant_id} column. Schema mode: a table of the tenant's schema, named bare or
     * qualified by that schema. Anything else is as unknown as a table that does not exist.
     */
    @Override
    public Table resolve(Catalog catalog, String name, boolean refreshOnMiss) {
        Table table;
        try {
            if (isolation == Isolation.SCHEMA) {
                String schema = TenantSchemas.schemaOf(tenantId);
                table = catalog.table(name.startsWith(schema + ".") ? name : schema + "." + name, refreshOnMiss);
                if (!table.schema().equals(schema)) {
                    throw unknown(name);
                }
            } else {
                table = catalog.table(name, refreshOnMiss);
                if (!table.has(TenantPolicies.TENANT_COLUMN)) {
                    throw unknown(name);
                }
            }
        } catch (UnknownName e) {
            throw e.kind() == UnknownName.Kind.TABLE ? unknown(name) : e;
        }
        return table;
    }

    /** The query narrowed to this tenant (row mode), after the quota check; see the class comment. */
    @Override
    public Query apply(Query query, Table table) {
        Operation op = query.operation();
        if (overQuota && (op == Operation.INSERT || op == Operation.UPDATE)) {
            throw new AccessRefused(AccessRefused.Reason.QUOTA_EXCEEDED, "tenant \"" + tenantId
                    + "\" is over its storage quota: inserts and updates are refused until deletes bring it under");
        }
        if (isolation == Isolation.SCHEMA) {
            return query;
        }
        TextNode tenant = TextNode.valueOf(tenantId);
        if (op == Operation.INSERT) {
            List<ObjectNode> rows = new ArrayList<>(query.rows().size());
            for (ObjectNode row : query.rows()) {
                requireOwn(row.get(TenantPolicies.TENANT_COLUMN), "an insert");
                ObjectNode stamped = row.deepCopy();
                stamped.set(TenantPolicies.TENANT_COLUMN, tenant);
                rows.add(stamped);
            }
            return new Query(query.table(), op, query.filters(), query.columns(), rows, query.limit(),
                    query.offset(), query.order(), query.all(), query.restoring());
        }
        if (op == Operation.UPDATE && !query.rows().isEmpty()) {
            requireOwn(query.rows().get(0).get(TenantPolicies.TENANT_COLUMN), "an update");
        }
        if (op != Operation.SELECT && query.filters().isEmpty() && !query.all()) {
            return query; // the compiler refuses an unfiltered write that does not say "all"
        }
        List<Filter> filters = new ArrayList<>(query.filters());
        filters.add(new Filter(TenantPolicies.TENANT_COLUMN, Op.EQ, tenant));
        // "all" meant every row the caller can see; the tenant filter now says which those are.
        return new Query(query.table(), op, filters, query.columns(), query.rows(), query.limit(), query.offset(),
                query.order(), false, query.restoring());
    }

    private void requireOwn(JsonNode value, String what) {
        if (value != null && !(value.isTextual() && value.textValue().equals(tenantId))) {
            throw new AccessRefused(AccessRefused.Reason.TENANT_MISMATCH, what + " may only write tenant_id \""
                    + tenantId + "\" (the caller's tenant), not " + Names.shorten(value.toString()));
        }
    }

    private static UnknownName unknown(String name) {
        return new UnknownName(UnknownName.Kind.TABLE, "unknown table \"" + Names.shorten(name) + "\"");
    }
}
