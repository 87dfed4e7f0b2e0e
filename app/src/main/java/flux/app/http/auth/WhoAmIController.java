package flux.app.http.auth;

import flux.app.http.ProblemResponses;
import flux.tenancy.Principal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /v1/whoami}: the tenant and role the server sees for this request's key. */
@Controller("/v1/whoami")
@ProblemResponses.Unauthorized
final class WhoAmIController {
    private final AuthMode mode;

    WhoAmIController(@io.micronaut.context.annotation.Value("${flux.auth.mode:keys}") String mode) {
        this.mode = AuthMode.parse(mode);
    }

    @Get
    WhoAmI whoami(HttpRequest<?> request) {
        Principal caller = Callers.of(request);
        return new WhoAmI(mode.label(), caller.keyId(), caller.tenantId(), caller.role().label());
    }
}
