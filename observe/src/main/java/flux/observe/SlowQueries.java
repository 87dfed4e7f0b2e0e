package flux.observe;

import flux.query.QueryTrace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statements at or over the threshold, grouped by shape. {@link #record} says whether a shape
 * is slow for the first time, which is when the caller takes its plan and logs it: once per
 * shape, however often it is slow afterwards. At most {@code maxShapes} shapes are kept (the
 * least recently slow is forgotten first). Thread-safe; written by one analysis thread, read
 * by HTTP threads.
 */
public final class SlowQueries {
    private final long thresholdNanos;
    private final Map<String, Stat> shapes;
    private long total;

    private static final class Stat {
        final QueryTrace first;
        final QueryShape shape;
        long count;
        long maxNanos;
        long sumNanos;
        QueryTrace last;
        String plan;
        String planError;

        Stat(QueryTrace first, QueryShape shape) {
            this.first = first;
            this.shape = shape;
        }
    }

    public SlowQueries(long thresholdNanos, int maxShapes) {
        this.thresholdNanos = thresholdNanos;
        this.shapes = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Stat> eldest) {
                return size() > maxShapes;
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
        Stat stat = shapes.get(shape.id());
        boolean first = stat == null;
        if (first) {
            stat = new Stat(trace, shape);
            shapes.put(shape.id(), stat);
        }
        stat.count++;
        stat.sumNanos += trace.durationNanos();
        stat.maxNanos = Math.max(stat.maxNanos, trace.durationNanos());
        stat.last = trace;
        return first;
    }

    /** The plan taken for a shape (or why none could be). */
    public synchronized void attachPlan(String shapeId, String plan, String planError) {
        Stat stat = shapes.get(shapeId);
        if (stat != null) {
            stat.plan = plan;
            stat.planError = planError;
        }
    }

    /** Slowest first (by the longest time seen). */
    public synchronized List<SlowQuery> list() {
        List<SlowQuery> list = new ArrayList<>(shapes.size());
        for (Stat s : shapes.values()) {
            list.add(new SlowQuery(s.shape.id(), s.first.operation(), s.first.qualifiedTable(), s.first.sql(),
                    s.count, millis(s.maxNanos), millis(s.sumNanos / s.count), millis(s.last.durationNanos()),
                    s.last.startedAt(), s.last.requestId(), s.plan, s.planError));
        }
        list.sort(Comparator.comparingDouble(SlowQuery::maxMs).reversed());
        return list;
    }

    /** Slow statements since start. */
    public synchronized long total() {
        return total;
    }

    public long thresholdNanos() {
        return thresholdNanos;
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
