package flux.app.ui.view;

import flux.console.AuditEntry;
import flux.console.ConsoleRun;
import java.util.List;

/**
 * The SQL console: the text last run and its result (null before the first run), or why it was
 * refused; the role it runs as and its limits; the caller's latest audit entries.
 */
public record ConsoleView(Frame frame, String sql, ConsoleRun run, String refusal, String runsAs, long timeoutMs,
                          int maxRows, List<AuditEntry> audit, Long nextBefore) {
}
