package flux.app.records;

import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The audit log ({@code flux.audit_log}): who did what to Flux's own records. Written by key
 * and tenant administration, in the transaction of the change it records when there is one.
 */
@Singleton
public final class AuditLog {
    /** The actor of a command run on the database directly ({@code flux keys}, {@code flux tenants}). */
    public static final String CLI = "cli";

    private final AuditLogRepository entries;
    private final JsonMapper json;

    AuditLog(AuditLogRepository entries, JsonMapper json) {
        this.entries = entries;
        this.json = json;
    }

    /**
     * Appends an entry.
     *
     * @param actor  an API key id, or {@link #CLI}
     * @param tenant the tenant acted on or for; null for none
     * @param action what was done, {@code <record>.<verb>}: {@code key.create}, {@code tenant.update}
     * @param target what it was done to: a key id, a tenant id
     * @param detail the action's parameters, a record written as JSON; null for none
     */
    void record(String actor, String tenant, String action, String target, Object detail) {
        try {
            entries.save(AuditEntry.of(actor, tenant, action, target,
                    detail == null ? null : json.writeValueAsString(detail)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the detail of " + action + " as JSON", e);
        }
    }
}
