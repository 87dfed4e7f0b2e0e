package flux.app.migrate;

import flux.app.http.Problem;
import flux.migrate.ChecksumConflict;
import flux.migrate.DirtyMigration;
import flux.migrate.MigrationException;
import flux.migrate.MigrationFailed;
import flux.migrate.MigrationLockTimeout;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * The one place where migration errors become HTTP (the admin schema API): a file or request
 * Flux cannot run is 422, a ledger in the way (an edited file, a dirty version) 409, PostgreSQL
 * refusing a statement 422 with its SQLSTATE, another migrator holding the lock 503. The detail
 * is the migrator's one line, which names the file and what to do.
 */
@Produces
@Singleton
final class MigrationProblemHandler implements ExceptionHandler<MigrationException, HttpResponse<Problem>> {

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, MigrationException e) {
        return problem(e).toResponse();
    }

    static Problem problem(MigrationException e) {
        if (e instanceof ChecksumConflict) {
            return Problem.of(HttpStatus.CONFLICT, "checksum-conflict", "Applied migration edited", e.getMessage());
        }
        if (e instanceof DirtyMigration) {
            return Problem.of(HttpStatus.CONFLICT, "dirty-migration", "Dirty migration", e.getMessage());
        }
        if (e instanceof MigrationFailed f) {
            return Problem.of(HttpStatus.UNPROCESSABLE_ENTITY, "migration-failed", "Migration failed", f.getMessage())
                    .about(null, f.sqlState());
        }
        if (e instanceof MigrationLockTimeout) {
            return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "migration-locked", "Another migrator is running",
                    e.getMessage());
        }
        return Problem.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-migration", "Invalid migration", e.getMessage());
    }
}
