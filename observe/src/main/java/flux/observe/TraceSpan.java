package flux.observe;

import flux.query.QueryTrace;
import java.time.Instant;
import java.util.Map;

/**
 * A statement as an OpenTelemetry client span (kind CLIENT), as the in-memory window shows it.
 *
 * @param parentSpanId the request's span id (see {@link DbSpans#requestSpanId})
 * @param error        the statement failed ({@code db.response.status_code} says why)
 */
public record TraceSpan(String traceId, String spanId, String parentSpanId, String name, Instant start,
                        long durationNanos, boolean error, Map<String, Object> attributes) {

    static TraceSpan of(QueryTrace trace, long sequence, long salt) {
        long id = mix(sequence ^ salt);
        return new TraceSpan(DbSpans.traceId(trace.requestId()), QueryShape.hex(id == 0 ? 1 : id),
                DbSpans.requestSpanId(trace.requestId()), DbSpans.name(trace), trace.startedAt(),
                trace.durationNanos(), trace.failed(), DbSpans.attributes(trace));
    }

    /** SplitMix64's finalizer: distinct sequences give distinct, well-spread span ids. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
