package flux.console;

import java.time.Duration;

/**
 * What one console run may take: each statement's time ({@code statement_timeout}, and a
 * client-side cancel as a backstop should a statement change that setting), the rows a query
 * returns, and the statements in one text.
 */
public record ConsoleLimits(Duration statementTimeout, int maxRows, int maxStatements) {
    public static final ConsoleLimits DEFAULTS = new ConsoleLimits(Duration.ofSeconds(30), 1000, 50);

    public ConsoleLimits {
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("the console's statement timeout must be positive");
        }
        if (maxRows < 1 || maxStatements < 1) {
            throw new IllegalArgumentException("the console's row and statement limits must be at least 1");
        }
    }
}
