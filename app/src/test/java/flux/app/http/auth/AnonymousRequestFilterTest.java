package flux.app.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnonymousRequestFilterTest {
    @Test
    void onlyKeysModeRefusesAnApiRequestWithoutAKey() {
        assertThat(AnonymousRequestFilter.keyRequired(AuthMode.KEYS, "/v1/query")).isTrue();
        assertThat(AnonymousRequestFilter.keyRequired(AuthMode.KEYS, "/v1")).isTrue();
        assertThat(AnonymousRequestFilter.keyRequired(AuthMode.OPEN, "/v1/query")).isFalse();
    }

    @Test
    void probesAdmitRequestsWithoutAKeyInEveryMode() {
        for (AuthMode mode : AuthMode.values()) {
            assertThat(AnonymousRequestFilter.keyRequired(mode, "/health")).isFalse();
            assertThat(AnonymousRequestFilter.keyRequired(mode, "/prometheus")).isFalse();
        }
    }

    @Test
    void aMisspeltModeIsRefusedRatherThanReadAsOpen() {
        assertThat(AuthMode.parse("OPEN")).isEqualTo(AuthMode.OPEN);
        for (String misspelt : new String[] {"opn", "", "open "}) {
            assertThatThrownBy(() -> AuthMode.parse(misspelt)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
