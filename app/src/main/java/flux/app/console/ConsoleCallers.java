package flux.app.console;

import flux.app.http.auth.Callers;
import flux.console.ConsoleCaller;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.http.HttpRequest;

/** The console's view of a request's caller: its tenant and mode, and whether its key may write. */
public final class ConsoleCallers {
    private ConsoleCallers() {
    }

    public static ConsoleCaller of(Principal caller, TenantDirectory tenants) {
        TenantScope scope = Callers.scope(caller, tenants);
        return scope == null ? ConsoleCaller.operator(caller.keyId())
                : ConsoleCaller.tenant(caller.keyId(), scope, caller.may(Role.READ_WRITE));
    }

    public static ConsoleCaller of(HttpRequest<?> request, TenantDirectory tenants) {
        return of(Callers.of(request), tenants);
    }
}
