package flux.observe;

import flux.query.QueryTrace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statements at or over the threshold, grouped by tenant and shape (so a tenant's figures are
 * its own statements'). {@link #record} says whether a shape is slow for the first time, which
 * is when the caller takes its plan and logs it: once per shape, whichever tenants run it, however
 * often it is slow afterwards. At most {@code maxShapes} groups and plans are kept (the least
 * recently slow is forgotten first). Thread-safe; written by one analysis thread, read by HTTP
 * threads.
 */
public final class SlowQueries {
    private final long thresholdNanos;
    private final Map<String, Stat> shapes;
    private final Map<String, Plan> plans;
    private long total;

    private record Plan(String text, String error) {
    }

    private static final class Stat {
        final QueryTrace first;
        final QueryShape shape;
        long count;
        long maxNanos;
        long sumNanos;
        QueryTrace last;

        Stat(QueryTrace first, QueryShape shape) {
            this.first = first;
            this.shape = shape;
        }
    }

    public SlowQueries(long thresholdNanos, int maxShapes) {
        this.thresholdNanos = thresholdNanos;
        this.shapes = lru(maxShapes);
        this.plans = lru(maxShapes);
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    public boolean isSlow(QueryTrace trace) {
        return trace.durationNanos() >= thresholdNanos;
    }

    /** Counts a slow statement; true when its shape was not slow before (take the plan now). */
    public synchronized boolean record(QueryTrace trace, QueryShape shape) {
        if (!isSlow(trace)) {
            return false;
        }
        total++;
        String key = TenantView.key(trace.tenantId(), shape.id());
        Stat stat = shapes.get(key);
        if (stat == null) {
            stat = new Stat(trace, shape);
            shapes.put(key, stat);
        }
        boolean first = !plans.containsKey(shape.id());
        if (first) {
            plans.put(shape.id(), new Plan(null, null));
        }
        stat.count++;
        stat.sumNanos += trace.durationNanos();
        stat.maxNanos = Math.max(stat.maxNanos, trace.durationNanos());
        stat.last = trace;
        return first;
    }

    /** The plan taken for a shape (or why none could be). */
    public synchronized void attachPlan(String shapeId, String plan, String planError) {
        if (plans.containsKey(shapeId)) {
            plans.put(shapeId, new Plan(plan, planError));
        }
    }

    /** Slowest first (by the longest time seen): each tenant's statements of a shape apart. */
    public synchronized List<SlowQuery> list(TenantView view) {
        List<SlowQuery> list = new ArrayList<>(shapes.size());
        for (Stat s : shapes.values()) {
            if (!view.sees(s.first.tenantId())) {
                continue;
            }
            Plan plan = plans.getOrDefault(s.shape.id(), new Plan(null, null));
            list.add(new SlowQuery(s.shape.id(), s.first.operation(), s.first.qualifiedTable(), s.first.sql(),
                    s.count, millis(s.maxNanos), millis(s.sumNanos / s.count), millis(s.last.durationNanos()),
                    s.last.startedAt(), s.last.requestId(), plan.text(), plan.error(), s.first.tenantId()));
        }
        list.sort(Comparator.comparingDouble(SlowQuery::maxMs).reversed());
        return list;
    }

    /** Slow statements since start, of every tenant. */
    public synchronized long total() {
        return total;
    }

    /** Slow statements since start that {@code view} sees (of the groups still kept, for a tenant). */
    public synchronized long total(TenantView view) {
        if (view.tenantId() == null) {
            return total;
        }
        long n = 0;
        for (Stat s : shapes.values()) {
            n += view.sees(s.first.tenantId()) ? s.count : 0;
        }
        return n;
    }

    public long thresholdNanos() {
        return thresholdNanos;
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
