package flux.observe;

import flux.query.QueryTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} statements, as a lock-free ring: {@link #add} is one atomic
 * increment and one array store, safe from any number of request threads. Spans are built
 * only when read. A reader racing a writer that wraps around may miss an entry, never
 * returns a wrong one (each slot remembers its sequence number).
 */
public final class TraceWindow {
    private final AtomicReferenceArray<Entry> slots;
    private final AtomicLong next = new AtomicLong();
    private final long salt = ThreadLocalRandom.current().nextLong();

    private record Entry(long sequence, QueryTrace trace) {
    }

    public TraceWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    public void add(QueryTrace trace) {
        long sequence = next.getAndIncrement();
        slots.set((int) (sequence % slots.length()), new Entry(sequence, trace));
    }

    /**
     * Newest first, at most {@code limit}, of the statements {@code view} sees; only the request's
     * spans when {@code requestId} is not null.
     */
    public List<TraceSpan> recent(String requestId, TenantView view, int limit) {
        List<TraceSpan> spans = new ArrayList<>();
        long newest = next.get() - 1;
        long oldest = Math.max(0, newest - slots.length() + 1);
        for (long s = newest; s >= oldest && spans.size() < limit; s--) {
            Entry e = slots.get((int) (s % slots.length()));
            if (e != null && e.sequence() == s && (requestId == null || requestId.equals(e.trace().requestId()))
                    && view.sees(e.trace().tenantId())) {
                spans.add(TraceSpan.of(e.trace(), s, salt));
            }
        }
        return spans;
    }

    public int capacity() {
        return slots.length();
    }

    /** Statements seen since start, kept or not. */
    public long recorded() {
        return next.get();
    }
}
