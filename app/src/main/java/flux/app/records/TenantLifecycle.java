package flux.app.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.history.BlameRemoval;
import flux.log.TenantHistory;
import flux.log.TenantPurges;
import flux.pg.DatabaseException;
import flux.tenancy.ApiKey;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.TenancyException;
import flux.tenancy.Tenant;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantExtensions;
import flux.tenancy.TenantLogins;
import flux.tenancy.TenantRemoval;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A tenant's life after provisioning, on behalf of an actor: its direct login (credentials,
 * rotation, connection limit), the extensions tenants may use, deletion as a tombstone,
 * undeletion and purge. Each change, what it does in PostgreSQL (roles and grants are
 * transactional there) and its audit entry are one transaction on one connection, so none is
 * stored without the others; only purge runs in steps, each finished by the next purge if cut short. PostgreSQL's failures are {@link TenancyException}; bad input
 * {@link IllegalArgumentException}, before anything changes.
 */
@Singleton
public final class TenantLifecycle {
    private static final Pattern JDBC_ADDRESS = Pattern.compile("jdbc:postgresql://([^/?]+)/([^?]*).*");

    private final TenantDirectory tenants;
    private final TenantRepository rows;
    private final ApiKeyStore keys;
    private final ApiKeyRepository keyRows;
    private final AuditLog audit;
    private final TransactionOperations<Connection> transactions;
    private final DataSource dataSource;
    private final int defaultConnectionLimit;
    private final int purgeBatch;
    private final Duration defaultTombstone;

    /**
     * @param defaultConnectionLimit a new login's connection limit unless told otherwise ({@code flux.tenancy.connection-limit})
     * @param defaultTombstone       how long a deleted tenant is kept before {@link #purge} drops it,
     *                               unless told otherwise ({@code flux.tenancy.tombstone})
     * @param purgeBatch             rows, and history records, a purge deletes per transaction ({@code flux.tenancy.purge-batch})
     */
    TenantLifecycle(TenantDirectory tenants, TenantRepository rows, ApiKeyStore keys, ApiKeyRepository keyRows,
                    AuditLog audit, TransactionOperations<Connection> transactions, DataSource dataSource,
                    @Value("${flux.tenancy.connection-limit:10}") int defaultConnectionLimit,
                    @Value("${flux.tenancy.tombstone:30d}") Duration defaultTombstone,
                    @Value("${flux.tenancy.purge-batch:5000}") int purgeBatch) {
        this.dataSource = dataSource;
        this.purgeBatch = purgeBatch;
        this.defaultConnectionLimit = defaultConnectionLimit;
        this.defaultTombstone = defaultTombstone;
        this.tenants = tenants;
        this.rows = rows;
        this.keys = keys;
        this.keyRows = keyRows;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * The tenant's direct login: created when missing (with a password), else brought up to date,
     * with a new password when {@code rotate} (the old one stops working at once; sessions
     * already open stay). Only a schema tenant, not deleted, has one.
     *
     * @param connectionLimit null keeps the login's limit ({@code flux.tenancy.connection-limit}, 10, for a new one)
     * @param address         {@code host:port} for the connection string; null for the one Flux connects to
     */
    public Credentials credentials(String actor, String tenantId, boolean rotate, Integer connectionLimit,
                                   String address) {
        Tenant tenant = live(tenantId);
        if (tenant.isolation() != TenantScope.Isolation.SCHEMA) {
            throw new IllegalArgumentException("tenant " + tenantId + " is row-level: a direct login needs schema mode"
                    + " (flux tenants create " + tenantId + " --mode schema)");
        }
        return inTransaction("cannot set up the login of tenant " + tenantId, c -> {
            Optional<TenantLogins.State> before = TenantLogins.state(c, tenantId);
            Integer limitToSet = connectionLimit == null && before.isEmpty() ? Integer.valueOf(defaultConnectionLimit)
                    : connectionLimit;
            Optional<String> password = TenantLogins.enable(c, tenantId, limitToSet, rotate);
            int limit = TenantLogins.state(c, tenantId).orElseThrow().connectionLimit();
            String action = before.isEmpty() ? "tenant.login.create" : password.isPresent() ? "tenant.login.rotate" : "tenant.login.update";
            audit.record(actor, tenantId, action, tenantId, new LoginDetail(TenantLogins.roleOf(tenantId), limit));
            String[] where = address(c, address);
            return new Credentials(tenantId, TenantLogins.roleOf(tenantId), TenantSchemas.schemaOf(tenantId), limit,
                    password.orElse(null), TenantLogins.connectionString(tenantId, where[0], where[1], password.orElse(null)));
        });
    }

    /**
     * Deletes a tenant, leaving a tombstone kept for {@code keep} (null: {@code flux.tenancy.tombstone}, 30 days): its keys are revoked (at once on
     * this server; other servers' key caches forget them within their TTL, 10 s by default), a
     * schema tenant's roles lose their schema at once on every server and its login is disabled
     * and its sessions ended. Its data and history stay. Deleting a deleted tenant changes nothing.
     */
    public Tenant delete(String actor, String tenantId, Duration keepOrNull) {
        Duration keep = keepOrNull == null ? defaultTombstone : keepOrNull;
        if (keep.isNegative()) {
            throw new IllegalArgumentException("a tombstone cannot be kept for a negative time: " + keep);
        }
        Optional<Tenant> before = tenants.find(tenantId);
        if (before.isPresent() && before.get().deleted()) {
            return before.get();
        }
        // A row tenant may exist through its keys alone: it gets a row to mark. Any other id is a typo.
        if (before.isEmpty() && keys.list().stream().noneMatch(k -> k.tenantId().equals(tenantId))) {
            throw new IllegalArgumentException("no tenant " + tenantId + " (neither created nor given keys)");
        }
        Tenant deleted = inTransaction("cannot delete tenant " + tenantId, c -> {
            TenantScope.Isolation isolation = before.map(Tenant::isolation).orElse(TenantScope.Isolation.ROW);
            if (before.isEmpty()) {
                rows.save(tenantId, isolation, null, null);
            }
            TenantRemoval.suspend(c, tenantId, isolation);
            rows.markDeleted(tenantId, keep.toMillis() / 1000.0);
            List<String> revoked = new ArrayList<>();
            for (ApiKey k : keys.list()) {
                if (k.tenantId().equals(tenantId) && !k.revoked()) {
                    keys.revoke(k.id());
                    revoked.add(k.id());
                }
            }
            Tenant after = tenants.find(tenantId).orElseThrow();
            audit.record(actor, tenantId, "tenant.delete", tenantId,
                    new TombstoneDetail(isolation.label(), after.purgeAfter().toString(), revoked));
            return after;
        });
        inTransaction("cannot end the sessions of tenant " + tenantId, c -> TenantLogins.endSessions(c, tenantId));
        return deleted;
    }

    /**
     * Brings a deleted tenant back before it is purged: its data as it was, a schema tenant's
     * runtime role its schema. Keys stay revoked and the login stays disabled: issue new keys,
     * and new credentials with {@link #credentials} ({@code rotate}).
     */
    public Tenant undelete(String actor, String tenantId) {
        Tenant tenant = tenants.find(tenantId).filter(Tenant::deleted)
                .orElseThrow(() -> new IllegalArgumentException("tenant " + tenantId + " is not deleted"
                        + " (or was purged)"));
        return inTransaction("cannot undelete tenant " + tenantId, c -> {
            TenantRemoval.resume(c, tenantId, tenant.isolation());
            rows.markLive(tenantId);
            audit.record(actor, tenantId, "tenant.undelete", tenantId,
                    new TombstoneDetail(tenant.isolation().label(), null, null));
            return tenants.find(tenantId).orElseThrow();
        });
    }

    /**
     * Drops every tombstone whose time is up, in this order: a mark that the tenant is being purged
     * ({@link TenantPurges}: from then on capture records none of its changes in the log, so the
     * row deletions below, raw SQL to capture, come back as nobody's history, whenever capture
     * reads them); the tenant's data (a schema tenant's schema and roles, a row tenant's rows); its
     * history (its records in the mutation log, with their before and after images, and history's
     * blame summaries of their rows, {@link BlameRemoval}); then, in one transaction, the mark
     * closed, its keys and row deleted, audited as {@code tenant.purge} with the purge's request id
     * (the one its DELETE messages on Kafka carry). Rows and records go in batches of
     * {@code flux.tenancy.purge-batch}, each a short transaction. Each step finds what is left of
     * the one before, so a purge cut short (a crash, a failing step) leaves the tombstone, expired,
     * and its mark open; the next purge finishes it. Nothing waits for capture.
     *
     * @return the tenants purged
     */
    public List<String> purge(String actor) {
        List<String> purged = new ArrayList<>();
        for (TenantRow row : rows.findExpired()) {
            Tenant t = row.toTenant();
            String requestId = inTransaction("cannot purge tenant " + t.id(), c -> TenantPurges.begin(c, t.id()));
            long records;
            try {
                TenantRemoval.purge(dataSource, t.id(), t.isolation(), purgeBatch);
                records = TenantHistory.purge(dataSource, t.id(), purgeBatch, BlameRemoval::forget);
            } catch (SQLException | DatabaseException failure) {
                SQLException e = DatabaseException.sqlCauseOf(failure);
                throw new TenancyException("cannot purge tenant " + t.id(), e);
            }
            inTransaction("cannot purge tenant " + t.id(), c -> {
                TenantPurges.end(c, t.id());
                int deletedKeys = keyRows.deleteOfTenant(t.id());
                rows.remove(t.id());
                audit.record(actor, t.id(), "tenant.purge", t.id(),
                        new PurgeDetail(t.isolation().label(), deletedKeys, records, requestId));
                return null;
            });
            purged.add(t.id());
        }
        return purged;
    }

    /** The extensions tenants may use ({@link TenantExtensions}). */
    public List<String> extensions() {
        return inTransaction("cannot list the tenants' extensions", c -> {
            TenantExtensions.install(c);
            return TenantExtensions.allowed(c);
        });
    }

    /** Allows ({@code allow}) or withdraws an extension; audited as {@code tenant.extension.allow} / {@code .withdraw}. */
    public List<String> changeExtension(String actor, String name, boolean allow) {
        return inTransaction((allow ? "cannot allow" : "cannot withdraw") + " extension " + name, c -> {
            TenantExtensions.install(c);
            if (allow) {
                TenantExtensions.add(c, name);
            } else if (!TenantExtensions.remove(c, name)) {
                throw new IllegalArgumentException("extension " + name + " is not allowed for tenants");
            }
            audit.record(actor, null, allow ? "tenant.extension.allow" : "tenant.extension.withdraw", name, null);
            return TenantExtensions.allowed(c);
        });
    }

    private Tenant live(String tenantId) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> new IllegalArgumentException("no tenant " + tenantId
                + " (create it with flux tenants create " + tenantId + " --mode schema)"));
        if (tenant.deleted()) {
            throw new IllegalArgumentException("tenant " + tenantId + " is deleted (flux tenants undelete " + tenantId
                    + " first)");
        }
        return tenant;
    }

    /** {@code {host:port, database}}: the given address, or the one of Flux's own connection. */
    private static String[] address(Connection c, String address) throws SQLException {
        String database;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            database = rs.getString(1);
        }
        if (address != null && !address.isBlank()) {
            return new String[] {address.strip(), database};
        }
        Matcher m = JDBC_ADDRESS.matcher(c.getMetaData().getURL());
        return new String[] {m.matches() ? m.group(1) : "localhost:5432", database};
    }

    private <T> T inTransaction(String doing, SqlWork<T> work) {
        return transactions.executeWrite(status -> {
            try {
                return work.run(status.getConnection());
            } catch (SQLException | DatabaseException failure) {
                SQLException e = DatabaseException.sqlCauseOf(failure);
                throw new TenancyException(doing, e);
            }
        });
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** A tenant's login as issued: {@code password} (and the connection string with it) only when one was set now. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Credentials(String tenantId, String role, String schema, int connectionLimit, String password,
                              String connectionString) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LoginDetail(String role, int connectionLimit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TombstoneDetail(String isolation, String purgeAfter, List<String> revokedKeys) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PurgeDetail(String isolation, int deletedKeys, long deletedRecords, String requestId) {
    }
}
