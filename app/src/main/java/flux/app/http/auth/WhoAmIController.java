package flux.app.http.auth;

import flux.tenancy.Principal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /v1/whoami}: the tenant and role the server sees for this request's key. */
@Controller("/v1/whoami")
final class WhoAmIController {
    private final AuthMode mode;

    WhoAmIController(@io.micronaut.context.annotation.Value("${flux.auth.mode:keys}") String mode) {
        this.mode = AuthMode.parse(mode);
    }

    @Get
    Map<String, Object> whoami(HttpRequest<?> request) {
        Principal caller = Callers.of(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("auth", mode.label());
        body.put("key_id", caller.keyId());
        body.put("tenant_id", caller.tenantId());
        body.put("role", caller.role().label());
        return body;
    }
}
