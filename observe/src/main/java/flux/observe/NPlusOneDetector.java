package flux.observe;

import flux.query.QueryTrace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds N+1 query patterns: one select shape, filtered, repeated with different values at
 * least {@code threshold} times, either within one request (judged when the request ends, or
 * after {@link #REQUEST_IDLE_NANOS} without statements) or across one client's requests within
 * the burst window (at least {@code threshold} distinct requests). With a floor on total time,
 * cheap repetitions are ignored. Repeats with the same values are not N+1 (that is a cache
 * miss, not a loop over ids) and are not reported.
 *
 * <p>Not thread-safe for writers: one analysis thread calls {@link #record}, {@link #requestEnded}
 * and {@link #sweep}; {@link #findings} may be called from any thread. Times are
 * {@link System#nanoTime()} values passed in, so tests control the clock.
 */
public final class NPlusOneDetector {
    /** A request with no statement for this long is judged as ended. */
    static final long REQUEST_IDLE_NANOS = 30_000_000_000L;
    private static final int MAX_OPEN_REQUESTS = 10_000;
    private static final int MAX_BURSTS = 10_000;
    private static final int MAX_FINDINGS = 500;
    private static final int MAX_REQUESTS_PER_BURST = 1_000;

    private final int threshold;
    private final long minTotalNanos;
    private final long burstWindowNanos;
    private final LinkedHashMap<String, OpenRequest> requests = new LinkedHashMap<>();
    private final LinkedHashMap<String, Group> bursts = new LinkedHashMap<>();
    private final LinkedHashMap<String, Stat> findings = new LinkedHashMap<>(64, 0.75f, true);

    /** Statements of one shape in one request, or in one client's burst. */
    private static final class Group {
        final QueryTrace sample;
        final QueryShape shape;
        final long startNanos;
        final Set<Integer> distinctValues = new HashSet<>();
        final Set<String> distinctRequests = new HashSet<>();
        int count;
        long totalNanos;
        QueryTrace last;

        Group(QueryTrace sample, QueryShape shape, long startNanos) {
            this.sample = sample;
            this.shape = shape;
            this.startNanos = startNanos;
        }
    }

    private static final class OpenRequest {
        final Map<String, Group> groups = new HashMap<>();
        long lastNanos;
    }

    private static final class Stat {
        final String kind;
        final Group group;
        long detections;
        Group latest;

        Stat(String kind, Group group) {
            this.kind = kind;
            this.group = group;
        }
    }

    public NPlusOneDetector(int threshold, long minTotalNanos, long burstWindowNanos) {
        this.threshold = threshold;
        this.minTotalNanos = minTotalNanos;
        this.burstWindowNanos = burstWindowNanos;
    }

    public static boolean applies(QueryTrace trace) {
        return "select".equalsIgnoreCase(trace.operation()) && !trace.filterColumns().isEmpty() && !trace.failed();
    }

    public void record(QueryTrace trace, QueryShape shape, long nowNanos) {
        if (!applies(trace)) {
            return;
        }
        OpenRequest request = requests.get(trace.requestId());
        if (request == null) {
            if (requests.size() >= MAX_OPEN_REQUESTS) {
                Iterator<Map.Entry<String, OpenRequest>> oldest = requests.entrySet().iterator();
                judge("request", oldest.next().getValue());
                oldest.remove();
            }
            request = new OpenRequest();
            requests.put(trace.requestId(), request);
        }
        request.lastNanos = nowNanos;
        add(request.groups.computeIfAbsent(shape.id(), k -> new Group(trace, shape, nowNanos)), trace);
        if (trace.clientId() != null && burstWindowNanos > 0) {
            recordBurst(trace, shape, nowNanos);
        }
    }

    private void recordBurst(QueryTrace trace, QueryShape shape, long nowNanos) {
        // With the tenant: in open mode a client is an address, whose requests may carry several keys.
        String key = TenantView.key(trace.tenantId(), trace.clientId() + '\n' + shape.id());
        Group burst = bursts.get(key);
        if (burst != null && nowNanos - burst.startNanos > burstWindowNanos) {
            judgeBurst(burst);
            bursts.remove(key);
            burst = null;
        }
        if (burst == null) {
            if (bursts.size() >= MAX_BURSTS) {
                sweep(nowNanos);
                if (bursts.size() >= MAX_BURSTS) {
                    return;
                }
            }
            burst = new Group(trace, shape, nowNanos);
            bursts.put(key, burst);
        }
        add(burst, trace);
    }

    private void add(Group group, QueryTrace trace) {
        group.count++;
        group.totalNanos += trace.durationNanos();
        group.last = trace;
        // Enough to judge; a loop of 100k selects must not keep 100k hashes.
        if (group.distinctValues.size() < threshold) {
            group.distinctValues.add(trace.parameters().hashCode());
        }
        if (group.distinctRequests.size() < MAX_REQUESTS_PER_BURST) {
            group.distinctRequests.add(trace.requestId());
        }
    }

    public void requestEnded(String requestId) {
        OpenRequest request = requests.remove(requestId);
        if (request != null) {
            judge("request", request);
        }
    }

    /** Judges requests idle for too long and bursts whose window has passed. */
    public void sweep(long nowNanos) {
        for (Iterator<OpenRequest> it = requests.values().iterator(); it.hasNext(); ) {
            OpenRequest r = it.next();
            if (nowNanos - r.lastNanos > REQUEST_IDLE_NANOS) {
                judge("request", r);
                it.remove();
            }
        }
        for (Iterator<Group> it = bursts.values().iterator(); it.hasNext(); ) {
            Group burst = it.next();
            if (nowNanos - burst.startNanos > burstWindowNanos) {
                judgeBurst(burst);
                it.remove();
            }
        }
    }

    private void judge(String kind, OpenRequest request) {
        for (Group g : request.groups.values()) {
            if (g.count >= threshold && g.distinctValues.size() >= threshold && g.totalNanos >= minTotalNanos) {
                report(kind, g);
            }
        }
    }

    private void judgeBurst(Group burst) {
        if (burst.distinctRequests.size() >= threshold && burst.distinctValues.size() >= threshold
                && burst.totalNanos >= minTotalNanos) {
            report("burst", burst);
        }
    }

    private synchronized void report(String kind, Group group) {
        String key = TenantView.key(group.sample.tenantId(), kind + ':' + group.shape.id());
        Stat stat = findings.get(key);
        if (stat == null) {
            if (findings.size() >= MAX_FINDINGS) {
                Iterator<String> eldest = findings.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            stat = new Stat(kind, group);
            findings.put(key, stat);
        }
        stat.detections++;
        stat.latest = group;
    }

    /** Most recently detected first, of the tenants {@code view} sees (each tenant's findings apart). */
    public synchronized List<NPlusOneFinding> findings(TenantView view) {
        List<NPlusOneFinding> list = new ArrayList<>(findings.size());
        for (Stat s : findings.values()) {
            Group g = s.latest;
            QueryTrace t = g.sample;
            if (!view.sees(t.tenantId())) {
                continue;
            }
            boolean burst = s.kind.equals("burst");
            list.add(new NPlusOneFinding(s.kind, g.shape.id(), t.qualifiedTable(), t.sql(), t.filterColumns(),
                    g.count, SlowQueries.millis(g.totalNanos), s.detections, g.last.requestId(),
                    burst ? fingerprint(t.clientId()) : null, g.last.startedAt(), suggestion(g), t.tenantId()));
        }
        list.sort(Comparator.comparing(NPlusOneFinding::lastSeen).reversed());
        return list;
    }

    public int threshold() {
        return threshold;
    }

    private static String suggestion(Group g) {
        QueryTrace t = g.sample;
        String column = t.filterColumns().get(0);
        String where = g.distinctRequests.size() > 1 ? " across " + g.distinctRequests.size() + " requests" : "";
        return g.count + " selects on " + t.qualifiedTable() + " filtered by " + String.join(", ", t.filterColumns())
                + " with different values" + where + ": fetch them in one query with "
                + "{\"column\": \"" + column + "\", \"op\": \"in\", \"value\": [...]}";
    }

    /** 12 hex digits of SHA-256: tells clients apart without showing a key or an address. */
    static String fingerprint(String clientId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clientId.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
