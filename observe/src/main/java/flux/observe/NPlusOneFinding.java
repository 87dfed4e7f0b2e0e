package flux.observe;

import java.time.Instant;
import java.util.List;

/**
 * A select shape that ran again and again with different values where one query would do.
 *
 * @param kind         {@code request}: within one request; {@code burst}: across one client's
 *                     requests within the burst window
 * @param repetitions  statements in the latest detection
 * @param totalMs      their summed time
 * @param detections   how often the pattern was detected since start
 * @param requestId    the latest request it was seen in
 * @param client       a fingerprint of the client (bursts only), never the client id itself
 * @param suggestion   what to do instead, in the query API's terms
 * @param tenantId     the tenant whose requests these are, null for requests without one
 */
public record NPlusOneFinding(String kind, String shapeId, String table, String sql, List<String> filterColumns,
                              int repetitions, double totalMs, long detections, String requestId, String client,
                              Instant lastSeen, String suggestion, String tenantId) {
}
