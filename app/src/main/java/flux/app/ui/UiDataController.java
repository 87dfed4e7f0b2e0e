package flux.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.http.auth.Callers;
import flux.app.ui.view.RequestTrail;
import flux.app.ui.view.RowList;
import flux.app.ui.view.TableList;
import flux.app.ui.view.ShortIds;
import flux.app.ui.view.Timeline;
import flux.history.Blame;
import flux.history.History;
import flux.history.HistoryPage;
import flux.history.PageRequest;
import flux.history.RequestPage;
import flux.query.QueryEngine;
import flux.query.QueryException;
import flux.query.UnknownName;
import flux.query.catalog.Table;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The data pages: tables, a table's rows (through the query engine, with the query API's
 * filters), a row's timeline and blame, a request's mutations (through {@link History}). Each
 * reads as the caller, in its tenant's scope, exactly as the REST API does.
 */
@Controller("/ui")
@ExecuteOn(TaskExecutors.BLOCKING)
final class UiDataController {
    private static final int PAGE_ROWS = 50;
    private static final int TIMELINE_ENTRIES = 50;
    private static final int REQUEST_ENTRIES = 200;

    private final QueryEngine engine;
    private final History history;
    private final TenantDirectory tenants;
    private final UiPages pages;

    UiDataController(QueryEngine engine, History history, TenantDirectory tenants, UiPages pages) {
        this.engine = engine;
        this.history = history;
        this.tenants = tenants;
        this.pages = pages;
    }

    @Get("/tables")
    HttpResponse<?> tables(HttpRequest<?> request) {
        TenantScope scope = scope(request);
        List<TableList.Entry> visible = new ArrayList<>();
        for (Table t : engine.catalog().tables()) {
            if (scope != null) {
                try {
                    scope.resolve(engine.catalog(), t.qualifiedName(), false);
                } catch (UnknownName notTheTenants) {
                    continue;
                }
            }
            visible.add(new TableList.Entry(t.qualifiedName(),
                    String.join(", ", t.primaryKey().stream().map(c -> c.name()).toList()), t.columns().size()));
        }
        return pages.page("tables", new TableList(pages.frame(request, "Tables", "tables"), visible));
    }

    @Get("/tables/{table}")
    HttpResponse<?> rows(HttpRequest<?> request, String table, @Nullable @QueryValue List<String> column,
                         @Nullable @QueryValue List<String> op, @Nullable @QueryValue List<String> value,
                         @Nullable @QueryValue Integer offset) {
        TenantScope scope = scope(request);
        RowQuery query = RowQuery.of(table, column, op, value, offset == null ? 0 : Math.max(0, offset), PAGE_ROWS);
        try {
            RowQuery.Page page = query.run(engine, scope, clientId(request));
            return pages.page("rows", new RowList(pages.frame(request, table, "tables"), table, page.columns(),
                    page.rows(), page.rowIds(), query.filters(), RowQuery.OPS, query.offset(), PAGE_ROWS, page.more(),
                    null));
        } catch (QueryException e) {
            if (e instanceof UnknownName n && n.kind() == UnknownName.Kind.TABLE) {
                throw e; // no table, no form: the API's answer, as the error page (UiAuthFilter)
            }
            // A filter the query API refuses: the form stays, with the reason, as a 400.
            return pages.page(HttpStatus.BAD_REQUEST, "rows", new RowList(pages.frame(request, table, "tables"), table,
                    List.of(), List.of(), List.of(), query.filters(), RowQuery.OPS, query.offset(), PAGE_ROWS, false,
                    e.getMessage()));
        }
    }

    @Get("/rows/{table}/{id}")
    HttpResponse<?> row(HttpRequest<?> request, String table, String id, @Nullable @QueryValue String cursor)
            throws SQLException {
        TenantScope scope = scope(request);
        String name = Callers.historyTable(table, scope);
        String tenant = scope == null ? null : scope.tenantId();
        HistoryPage page = history.history(name, id,
                new PageRequest(false, TIMELINE_ENTRIES, cursor, null, null), tenant);
        Blame blame = history.blame(name, id, tenant);
        List<Timeline.BlameLine> lines = new ArrayList<>();
        for (Blame.Line l : blame.columns()) {
            Blame.Attempt a = l.lastAttempt();
            lines.add(new Timeline.BlameLine(l.column(), value(l.value()), l.requestId(), l.at(),
                    a == null ? null : a.requestId(), a == null ? null : value(a.value()), a == null ? null : a.error()));
        }
        List<Timeline.Change> changes = Diffs.of(table, page.entries());
        List<String> ids = new ArrayList<>();
        changes.forEach(c -> ids.add(c.requestId()));
        lines.forEach(l -> ids.addAll(java.util.Arrays.asList(l.requestId(), l.attemptRequestId())));
        return pages.page("row", new Timeline(pages.frame(request, table + " " + id, "tables"), table, id,
                changes, page.nextCursor(), blame.deleted(), lines, shortIds(ids)));
    }

    @Get("/requests/{requestId}")
    HttpResponse<?> request(HttpRequest<?> request, String requestId, @Nullable @QueryValue String cursor)
            throws SQLException {
        TenantScope scope = scope(request);
        // A person may type a short form into the address (the page's title names the whole id).
        RequestPage page = history.request(requestId, flux.history.RequestIdMatch.EXACT_OR_UNIQUE_PREFIX,
                REQUEST_ENTRIES, cursor, scope == null ? null : scope.tenantId());
        List<Timeline.Change> changes = Diffs.of(null, page.entries());
        return pages.page("request", new RequestTrail(pages.frame(request, "Request " + requestId, "tables"),
                page.requestId(), changes, page.nextCursor(),
                shortIds(changes.stream().map(Timeline.Change::requestId).toList())));
    }

    /** The CLI's short forms of a page's request ids (nulls skipped; whole ids past History's bound). */
    private ShortIds shortIds(List<String> requestIds) {
        java.util.Set<String> ids = new java.util.HashSet<>(requestIds);
        ids.remove(null);
        return new ShortIds(ids.size() > PageRequest.MAX_LIMIT ? java.util.Map.of() : history.abbreviations(ids));
    }

    private TenantScope scope(HttpRequest<?> request) {
        return Callers.scope(Callers.of(request), tenants);
    }

    private static String clientId(HttpRequest<?> request) {
        String key = Callers.of(request).keyId();
        return key != null ? "key:" + key : "ui:" + request.getRemoteAddress().getAddress().getHostAddress();
    }

    private static String value(JsonNode v) {
        return v == null || v.isNull() ? "null" : v.isTextual() ? v.textValue() : v.toString();
    }
}
