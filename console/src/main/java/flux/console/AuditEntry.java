package flux.console;

import java.time.Instant;

/**
 * One statement in the console's audit log ({@code flux.console_audit}).
 *
 * @param outcome {@code running} (its transaction had not ended when read, or the server stopped
 *                under it), {@code committed}, {@code rolled_back} or {@code refused} (never sent)
 */
public record AuditEntry(long id, Instant at, String keyId, String tenantId, String dbRole, String requestId,
                         String statement, Double durationMs, Long rowCount, String error, String outcome) {
}
