package flux.query;

import java.time.Duration;

/**
 * What one request may cost the database, enforced by the engine for every caller (HTTP and
 * in-process alike).
 *
 * @param maxLimit         most rows a select returns, whatever its {@code limit} says
 * @param maxInValues      most values in one {@code in} filter; more is {@link InvalidQuery}
 *                         ({@link InvalidQuery.Reason#TOO_MANY_VALUES}) before anything runs
 * @param statementTimeout PostgreSQL's {@code statement_timeout} for each statement of a request's
 *                         transaction, set with the request tag (no extra round trip); a statement
 *                         that runs longer is cancelled ({@link LimitReached}). Zero: no timeout.
 */
public record EngineLimits(int maxLimit, int maxInValues, Duration statementTimeout) {
    /** Rows a select returns at most, by default. */
    public static final int DEFAULT_MAX_LIMIT = 1000;
    public static final int DEFAULT_MAX_IN_VALUES = 1000;
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    public static final EngineLimits DEFAULTS =
            new EngineLimits(DEFAULT_MAX_LIMIT, DEFAULT_MAX_IN_VALUES, DEFAULT_STATEMENT_TIMEOUT);

    public EngineLimits {
        if (maxLimit < 1) {
            throw new IllegalArgumentException("maxLimit must be positive, got " + maxLimit);
        }
        if (maxInValues < 1) {
            throw new IllegalArgumentException("maxInValues must be positive, got " + maxInValues);
        }
        if (statementTimeout == null || statementTimeout.isNegative()) {
            throw new IllegalArgumentException("statementTimeout must be zero or positive, got " + statementTimeout);
        }
    }

    /** The value of PostgreSQL's {@code statement_timeout} setting, in milliseconds ("0": none). */
    String statementTimeoutSetting() {
        return Long.toString(statementTimeout.toMillis());
    }
}
