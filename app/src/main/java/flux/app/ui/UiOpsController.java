package flux.app.ui;

import flux.app.capture.CaptureRunner;
import flux.app.http.auth.Callers;
import flux.app.migrate.SchemaAdmin;
import flux.app.ui.view.CaptureView;
import flux.app.ui.view.DriftView;
import flux.app.ui.view.MigrationsView;
import flux.app.ui.view.ObserveView;
import flux.capture.CaptureStatus;
import flux.migrate.InvalidIndexes;
import flux.migrate.MigrationException;
import flux.migrate.MigrationFiles;
import flux.migrate.MigrationSettings;
import flux.migrate.MigrationStatus;
import flux.migrate.Migrator;
import flux.observe.IndexAdvisor;
import flux.observe.ObserveException;
import flux.observe.QueryObservers;
import flux.observe.TenantView;
import flux.tenancy.Role;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The operator's pages: capture (any caller, as {@code /v1/capture/status}: a tenant sees only
 * its own event count), observability and migrations (admin keys, and open mode), each from the
 * same objects the REST API and CLI read.
 */
@Controller("/ui")
@ExecuteOn(TaskExecutors.BLOCKING)
final class UiOpsController {
    private final CaptureRunner capture;
    private final EventRate rate;
    private final QueryObservers observers;
    private final DataSource dataSource;
    private final Path migrations;
    private final SchemaAdmin schema;
    private final UiPages pages;

    UiOpsController(CaptureRunner capture, EventRate rate, QueryObservers observers, DataSource dataSource,
                    @Value("${flux.migrations.dir:schema}") String migrations, SchemaAdmin schema, UiPages pages) {
        this.capture = capture;
        this.rate = rate;
        this.observers = observers;
        this.dataSource = dataSource;
        this.migrations = Path.of(migrations);
        this.schema = schema;
        this.pages = pages;
    }

    @Get("/capture")
    HttpResponse<?> capture(HttpRequest<?> request) {
        return pages.page("capture", captureView(request));
    }

    /** The live part of the capture page, polled by htmx every second. */
    @Get("/capture/live")
    HttpResponse<?> captureLive(HttpRequest<?> request) {
        return pages.page("capture_live", captureView(request));
    }

    private CaptureView captureView(HttpRequest<?> request) {
        String tenant = Callers.of(request).tenantId();
        var frame = pages.frame(request, "Capture", "capture");
        List<Double> rates = rate.rates();
        double max = Math.max(10, rates.stream().mapToDouble(Double::doubleValue).max().orElse(0) * 1.1);
        double now = rates.isEmpty() ? 0 : rates.get(rates.size() - 1);
        return capture.pipeline().map(p -> {
            CaptureStatus.Snapshot s = p.status();
            List<CaptureView.Tenant> tenants = s.eventsByTenant().entrySet().stream()
                    .filter(e -> tenant == null || tenant.equals(e.getKey()))
                    .map(e -> new CaptureView.Tenant(e.getKey(), e.getValue())).sorted(
                            java.util.Comparator.comparing(CaptureView.Tenant::id)).toList();
            return new CaptureView(frame, null, s.state().name(), s.slot(), s.slotLagBytes(), s.lastLsn(),
                    s.eventsPublished(), s.transactions(), s.crossCheck().matched(), s.crossCheck().untracked(),
                    s.crossCheck().missing(), s.crossCheck().mismatched(), s.lastError(),
                    s.failure() == null ? null : s.failure().reason() + " (since " + s.failure().at() + ")", now,
                    EventRate.points(rates, max), max, tenants);
        }).orElseGet(() -> new CaptureView(frame, capture.enabled() ? "capture has not started yet"
                : "capture is disabled (flux.capture.enabled=false)", null, null, null, null, 0, 0, 0, 0, 0, 0, null,
                null, 0, "", max, List.of()));
    }

    @Get("/observe")
    HttpResponse<?> observe(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        IndexAdvisor.Advice advice = null;
        String indexError = null;
        try {
            advice = observers.indexAdvisor().advise(dataSource, TenantView.ALL);
        } catch (ObserveException e) {
            indexError = "cannot check indexes: " + e.getMessage();
        }
        return pages.page("observe", new ObserveView(pages.frame(request, "Observability", "observe"),
                observers.settings().slowThreshold().toMillis(), observers.slowQueries().list(TenantView.ALL),
                observers.nPlusOne().findings(TenantView.ALL), advice == null ? List.of() : advice.suggestions(),
                advice == null ? List.of() : advice.skipped(), indexError));
    }

    private List<String> invalidIndexes() throws SQLException {
        try (java.sql.Connection c = dataSource.getConnection()) {
            return List.copyOf(InvalidIndexes.all(c).values());
        }
    }

    @Get("/migrations")
    HttpResponse<?> migrations(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        var frame = pages.frame(request, "Migrations", "migrations");
        String dir = migrations.toAbsolutePath().normalize().toString();
        Migrator migrator = new Migrator(dataSource, MigrationSettings.DEFAULTS);
        try {
            List<MigrationStatus> files = Files.isDirectory(migrations)
                    ? migrator.status(MigrationFiles.directory(migrations, null)) : List.of();
            Map<MigrationStatus.State, Long> counts = files.stream().collect(java.util.stream.Collectors.groupingBy(
                    MigrationStatus::state, java.util.stream.Collectors.counting()));
            return pages.page("migrations", new MigrationsView(frame, dir, files, migrator.history(),
                    counts.getOrDefault(MigrationStatus.State.PENDING, 0L),
                    counts.getOrDefault(MigrationStatus.State.EDITED_AFTER_APPLY, 0L),
                    counts.getOrDefault(MigrationStatus.State.FILE_MISSING, 0L), invalidIndexes(), null));
        } catch (MigrationException | SQLException e) {
            return pages.page("migrations", new MigrationsView(frame, dir, List.of(), List.of(), 0, 0, 0, List.of(),
                    e.getMessage()));
        }
    }

    /**
     * The migrations page's drift section, asked for by its button (htmx): the live schema against
     * what its applied migrations produce. On demand, not on every page load: it replays the
     * migrations in a scratch database. Reads only.
     */
    @Get("/migrations/drift")
    HttpResponse<?> drift(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        try {
            return pages.page("migrations_drift", new DriftView(schema.checkDrift(), null));
        } catch (MigrationException e) {
            return pages.page("migrations_drift", new DriftView(null, e.getMessage()));
        }
    }
}
