package flux.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.server.StartupFailure;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

    @Test
    void aStartupFailureIsItsOwnOneLineAndExitCodeEvenWhenWrapped() {
        StartupFailure failure = StartupFailure.portInUse(8080);
        RuntimeException wrapped = new RuntimeException("Error instantiating bean of type [x]: long story", failure);

        assertThat(ExitCodes.oneLine(wrapped))
                .isEqualTo("HTTP port 8080 is already in use (choose another with --port or FLUX_PORT)");
        assertThat(ExitCodes.exitCode(wrapped)).isEqualTo(ExitCodes.FAILED).isEqualTo(failure.exitCode());
    }

    @Test
    void anyOtherErrorShowsItsMostTellingMessageAndFails() {
        RuntimeException plain = new RuntimeException(new IllegalStateException("the real reason"));

        assertThat(ExitCodes.oneLine(plain)).isEqualTo("the real reason");
        assertThat(ExitCodes.exitCode(plain)).isEqualTo(ExitCodes.FAILED);
    }
}
