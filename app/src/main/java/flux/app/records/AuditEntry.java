package flux.app.records;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.sql.ColumnTransformer;
import java.time.Instant;

/**
 * A row of {@code flux.audit_log} (DDL: {@code flux/app/audit-schema.sql}): who did what to Flux's own records.
 * {@code id} and {@code at} are the database's (identity, {@code now()}); {@code detail} is JSON
 * text, stored as jsonb. (The SQL console's statements are audited apart, in {@code flux.console_audit}.)
 */
@MappedEntity(value = "audit_log", schema = "flux")
record AuditEntry(@Id @GeneratedValue @Nullable Long id, @GeneratedValue @Nullable Instant at, String actor,
                  @Nullable String tenantId, String action, @Nullable String target,
                  @Nullable @ColumnTransformer(write = "CAST(? AS jsonb)") String detail) {

    static AuditEntry of(String actor, String tenantId, String action, String target, String detail) {
        return new AuditEntry(null, null, actor, tenantId, action, target, detail);
    }
}
