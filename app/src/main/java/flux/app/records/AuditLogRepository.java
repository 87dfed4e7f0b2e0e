package flux.app.records;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

/** {@code flux.audit_log} through Micronaut Data: appended to, never changed. */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface AuditLogRepository extends GenericRepository<AuditEntry, Long> {
    AuditEntry save(AuditEntry entry);
}
