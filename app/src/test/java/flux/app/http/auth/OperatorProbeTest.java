package flux.app.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import flux.tenancy.Principal;
import flux.tenancy.Role;
import io.micronaut.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Who reads what /health shows only to the operator (why capture failed). */
class OperatorProbeTest {
    private static HttpRequest<?> from(Principal caller) {
        HttpRequest<?> request = HttpRequest.GET("/health");
        Callers.attach(request, caller);
        return request;
    }

    @Test
    void aCallerWithoutCredentialsIsTheOperatorOnlyInOpenMode() {
        assertThat(Callers.isOperatorProbe(from(Principal.OPEN), AuthMode.OPEN)).isTrue();
        assertThat(Callers.isOperatorProbe(from(Principal.OPEN), AuthMode.KEYS)).as("a load balancer's probe").isFalse();
    }

    @Test
    void anAdminKeyIsTheOperatorInEveryModeAndNoOtherKeyIs() {
        for (AuthMode mode : AuthMode.values()) {
            assertThat(Callers.isOperatorProbe(from(new Principal("a1b2c3d4", "acme", Role.ADMIN)), mode)).isTrue();
            assertThat(Callers.isOperatorProbe(from(new Principal("a1b2c3d5", "acme", Role.READ_WRITE)), mode)).isFalse();
            assertThat(Callers.isOperatorProbe(from(new Principal("a1b2c3d6", "acme", Role.READ_ONLY)), mode)).isFalse();
        }
    }
}
