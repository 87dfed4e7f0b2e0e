package flux.observe;

import java.time.Instant;

/**
 * One slow query shape: how often it was slow and how slow, and its plan ({@code EXPLAIN} of
 * the parameterized statement, taken once, the first time it was slow).
 *
 * @param plan      the plan text, null until it is known or when it could not be taken
 * @param planError why there is no plan, null otherwise
 * @param tenantId  the tenant whose statements these are, null for requests without one
 */
public record SlowQuery(String shapeId, String operation, String table, String sql, long count, double maxMs,
                        double meanMs, double lastMs, Instant lastSeen, String lastRequestId, String plan,
                        String planError, String tenantId) {
}
