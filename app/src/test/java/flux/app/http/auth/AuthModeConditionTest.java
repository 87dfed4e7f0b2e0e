package flux.app.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthModeConditionTest {
    @Test
    void onlyOpenModeSkipsTheKeyCheck() {
        assertThat(AuthModeCondition.open(Optional.of("open"))).isTrue();
        assertThat(AuthModeCondition.open(Optional.of("OPEN"))).isTrue(); // the mode's own parsing
        assertThat(AuthModeCondition.open(Optional.of("keys"))).isFalse();
    }

    @Test
    void inDoubtTheKeysAreChecked() {
        assertThat(AuthModeCondition.open(Optional.empty())).isFalse();
        assertThat(AuthModeCondition.open(Optional.of("opn"))).isFalse();
        assertThat(AuthModeCondition.open(Optional.of(""))).isFalse();
    }
}
