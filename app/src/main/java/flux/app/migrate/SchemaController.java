package flux.app.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.http.Problem;
import flux.app.http.ProblemResponses;
import flux.app.http.auth.Callers;
import flux.app.migrate.SchemaAnswers.Applied;
import flux.app.migrate.SchemaAnswers.ApplyAnswer;
import flux.app.migrate.SchemaAnswers.Declarative;
import flux.app.migrate.SchemaAnswers.DriftAnswer;
import flux.app.migrate.SchemaAnswers.LintAnswer;
import flux.migrate.AppliedMigration;
import flux.migrate.MigrationException;
import flux.migrate.MigrationFile;
import flux.migrate.MigrationStatus;
import flux.migrate.SchemaComparison;
import flux.observe.QueryObservers;
import flux.tenancy.Role;
import io.micronaut.context.annotation.Requires;
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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/admin/schema}: the server's schema for operators and CI, admin keys only (403 for
 * other roles; 401 without a valid key in keys mode, from the auth filter). A thin layer over
 * {@code flux.migrate}: dump, status (applied, pending, dirty, drift), plan (pending files, their
 * lint with the columns this server saw API queries use, and the desired state's SQL), apply
 * (pending migrations, or the desired state), validate. Errors are problem+json
 * ({@link MigrationProblemHandler}). Blocking: scratch databases and migrations take seconds.
 */
@Controller("/v1/admin/schema")
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ProblemResponses.Unprocessable
@ProblemResponses.Unavailable
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(beans = SchemaAdmin.class)
final class SchemaController {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SchemaAdmin admin;
    private final QueryObservers observers;

    SchemaController(SchemaAdmin admin, QueryObservers observers) {
        this.admin = admin;
        this.observers = observers;
    }

    /** The live schema as the SQL that creates it. */
    @Get(produces = MediaType.APPLICATION_JSON)
    SchemaAnswers.Dump dump(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        SchemaComparison dump = admin.differ().dump();
        return new SchemaAnswers.Dump(dump.differences().stream().map(d -> d.name().substring(0, d.name().indexOf('.')))
                .distinct().sorted().toList(), dump.differences().size(), dump.script());
    }

    /** Applied, pending and dirty migrations, and drift unless {@code ?drift=false}. */
    @Get(uri = "/status", produces = MediaType.APPLICATION_JSON)
    SchemaAnswers.Status status(HttpRequest<?> request, @Nullable @QueryValue("drift") Boolean drift) {
        Callers.require(request, Role.ADMIN);
        List<MigrationFile> files = admin.files();
        List<AppliedMigration> history = admin.migrator().history();
        List<String> pending = admin.migrator().status(files).stream()
                .filter(s -> s.state() == MigrationStatus.State.PENDING).map(MigrationStatus::name).toList();
        DriftAnswer driftAnswer = Boolean.FALSE.equals(drift) ? DriftAnswer.unchecked("not asked (?drift=false)")
                : drift(files);
        return new SchemaAnswers.Status(history.stream().filter(a -> !a.dirty()).map(Applied::of).toList(), pending,
                history.stream().filter(AppliedMigration::dirty).map(Applied::of).toList(), driftAnswer);
    }

    /** The columns API queries used recently: what lint (here and in the CLI) checks drops and renames against. */
    @Get(uri = "/usage", produces = MediaType.APPLICATION_JSON)
    SchemaAnswers.Usage usage(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        List<Map<String, Object>> columns = new ArrayList<>();
        ObservedUsage.counts(observers).forEach((key, n) -> {
            int column = key.indexOf('.', key.indexOf('.') + 1);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("table", key.substring(0, column));
            entry.put("column", key.substring(column + 1));
            entry.put("statements", n);
            columns.add(entry);
        });
        return new SchemaAnswers.Usage(ObservedUsage.window(observers), columns);
    }

    /** What apply would do: the pending files with their lint, and the desired state's SQL (if there is one). */
    @Post(uri = "/plan", produces = MediaType.APPLICATION_JSON)
    SchemaAnswers.Plan plan(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        List<MigrationFile> files = admin.files();
        var steps = SchemaAnswers.Step.of(admin.migrator().plan(files, false));
        LintAnswer lint;
        try {
            lint = LintAnswer.of(admin.lint().check(files, ObservedUsage.of(observers)));
        } catch (MigrationException e) {
            lint = LintAnswer.unchecked(e.getMessage());
        }
        Declarative declarative = admin.hasDesiredState()
                ? Declarative.of(admin.desired().toString(), admin.differ().diff(admin.desired())) : null;
        return new SchemaAnswers.Plan(steps, lint, declarative);
    }

    /**
     * Applies the pending migrations; with {@code {"declarative": true}} the desired state instead
     * ({@code "allow_destructive": true} to let it drop tables or columns).
     */
    @Post(uri = "/apply", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApplyAnswer.class)))
    @ProblemResponses.BadRequest
    @ProblemResponses.Conflict
    @ProblemResponses.TooLarge
    HttpResponse<?> apply(HttpRequest<?> request, @Nullable @Body String body) {
        Callers.require(request, Role.ADMIN);
        JsonNode options;
        try {
            options = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return Problem.of(HttpStatus.BAD_REQUEST, "invalid-json", "Invalid JSON",
                    "the body must be a JSON object like {\"declarative\": true}").toResponse();
        }
        if (options.path("declarative").asBoolean(false)) {
            SchemaComparison applied = admin.differ().apply(admin.desired(),
                    options.path("allow_destructive").asBoolean(false));
            return HttpResponse.ok(new ApplyAnswer(null, Declarative.of(admin.desired().toString(), applied)));
        }
        return HttpResponse.ok(ApplyAnswer.of(admin.migrator().migrate(admin.files(), false)));
    }

    /** Whether the ledger, the files and the live schema agree: edited or missing files, dirty versions, drift. */
    @Post(uri = "/validate", produces = MediaType.APPLICATION_JSON)
    SchemaAnswers.Validation validate(HttpRequest<?> request) {
        Callers.require(request, Role.ADMIN);
        List<MigrationFile> files = admin.files();
        List<String> problems = new ArrayList<>();
        for (MigrationStatus s : admin.migrator().status(files)) {
            switch (s.state()) {
                case EDITED_AFTER_APPLY -> problems.add(s.name() + " was edited after it was applied");
                case FILE_MISSING -> problems.add(s.name() + " was applied but its file is missing");
                case DIRTY -> problems.add(s.name() + " is dirty: `flux db repair " + s.version() + "` after fixing it");
                default -> {
                    // applied, pending, up to date, changed repeatable, raw: nothing wrong
                }
            }
        }
        DriftAnswer drift = drift(files);
        if (!drift.checked()) {
            problems.add("drift not checked: " + drift.reason());
        } else if (drift.drift()) {
            problems.add("drift: " + drift.differences().size() + " difference(s) between the live database and its"
                    + " applied migrations");
        }
        LintAnswer lint;
        try {
            lint = LintAnswer.of(admin.lint().check(files, ObservedUsage.of(observers)));
        } catch (MigrationException e) {
            lint = LintAnswer.unchecked(e.getMessage());
        }
        return new SchemaAnswers.Validation(problems.isEmpty(), problems, drift, lint);
    }

    private DriftAnswer drift(List<MigrationFile> files) {
        try {
            return DriftAnswer.of(admin.drift().check(files));
        } catch (MigrationException e) {
            return DriftAnswer.unchecked(e.getMessage());
        }
    }
}
