package flux.app.ui;

import flux.app.console.ConsoleCallers;
import flux.app.ui.view.ConsoleView;
import flux.console.AuditEntry;
import flux.console.ConsoleCaller;
import flux.console.ConsoleLogins;
import flux.console.ConsoleRefused;
import flux.console.ConsoleRun;
import flux.console.SqlConsole;
import flux.tenancy.TenantDirectory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The SQL console page: a text area whose statements run through {@link SqlConsole} as the
 * caller (the same service as {@code POST /v1/sql}), and the caller's audit entries. With htmx
 * a run answers only the result and the audit list; without it, the whole page.
 */
@Controller("/ui/console")
@ExecuteOn(TaskExecutors.BLOCKING)
final class UiConsoleController {
    private static final int AUDIT_ENTRIES = 25;
    private final SqlConsole console;
    private final TenantDirectory tenants;
    private final UiPages pages;

    UiConsoleController(SqlConsole console, TenantDirectory tenants, UiPages pages) {
        this.console = console;
        this.tenants = tenants;
        this.pages = pages;
    }

    @Get
    HttpResponse<?> page(HttpRequest<?> request, @Nullable @QueryValue Long before) throws SQLException {
        return pages.page("console", view(request, "", null, null, before));
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> run(HttpRequest<?> request, @Nullable @Body Map<String, String> form) throws SQLException {
        Map<String, String> fields = form == null ? Map.of() : form;
        UiSession.requireSameSite(request, fields.get("csrf"));
        String sql = fields.getOrDefault("sql", "");
        ConsoleCaller caller = ConsoleCallers.of(request, tenants);
        ConsoleRun run = null;
        String refusal = null;
        try {
            run = console.run(caller, sql);
        } catch (ConsoleRefused e) {
            // Shown beside the text, which stays for correcting; the refusal is in the audit log.
            refusal = e.getMessage();
        }
        HttpStatus status = refusal != null || run.failed() ? HttpStatus.BAD_REQUEST : HttpStatus.OK;
        ConsoleView view = view(request, sql, run, refusal, null);
        // htmx (told in flux.js to swap 4xx answers too) takes the result part only.
        return pages.page(status, request.getHeaders().contains("HX-Request") ? "console_result" : "console", view);
    }

    private ConsoleView view(HttpRequest<?> request, String sql, ConsoleRun run, String refusal, Long before)
            throws SQLException {
        ConsoleCaller caller = ConsoleCallers.of(request, tenants);
        List<AuditEntry> audit = console.audit().list(caller, before, AUDIT_ENTRIES);
        Long next = audit.size() == AUDIT_ENTRIES ? audit.get(audit.size() - 1).id() : null;
        String runsAs = caller.hasTenant()
                ? ConsoleLogins.roleOf(caller.tenantId(), caller.writes()) + " (tenant " + caller.tenantId() + ", "
                + caller.isolation().label() + " isolation, " + (caller.writes() ? "read-write" : "read-only") + ")"
                : "the server's login role (operator)";
        return new ConsoleView(pages.frame(request, "SQL console", "console"), sql, run, refusal, runsAs,
                console.limits().statementTimeout().toMillis(), console.limits().maxRows(), audit, next);
    }
}
