package flux.observe;

import flux.query.QueryTrace;
import flux.query.QueryObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of query observability: the one {@link QueryObserver} the engine calls. It
 * fans each statement out to the trace window, slow-query log, N+1 detector and index advisor,
 * and to any further observers given at start (metrics, OTLP export).
 *
 * <p>Threads and cost. {@link #onQuery} and {@link #onRequestEnd} run on the caller's thread
 * and never block, do no I/O and never throw: the statement goes into the lock-free
 * {@link TraceWindow} and into a bounded queue ({@link ObserveSettings#queueCapacity()}); when
 * the queue is full the statement is dropped from analysis and counted ({@link #dropped()}),
 * never waited for. The further observers are called inline and must keep the same promise.
 * One daemon thread, {@code flux-observe}, drains the queue (polling every 2 ms when it is
 * empty rather than waiting on it, so that offering never has to wake it): it normalizes the statement into
 * its {@link QueryShape}, counts slow queries, tracks N+1 patterns and filter columns. Plans of
 * slow queries are taken on a second daemon thread, {@code flux-observe-explain}, with a
 * connection of its own from the pool, at most once per shape (its queue holds 100; beyond
 * that a slow shape is logged without its plan). Analysis therefore lags the queries by
 * milliseconds: what the endpoints show is eventually complete.
 *
 * <p>Start with {@link #start}; {@link #close} stops the threads.
 */
public final class QueryObservers implements QueryObserver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryObservers.class);
    private static final long SWEEP_NANOS = 100_000_000L;
    private static final long IDLE_NANOS = 2_000_000L;
    private static final int MAX_CACHED_SHAPES = 10_000;

    private final ObserveSettings settings;
    private final TraceWindow traces;
    private final SlowQueries slow;
    private final NPlusOneDetector nPlusOne;
    private final IndexAdvisor indexes;
    private final PlanExplainer explainer;
    private final List<QueryObserver> also;
    private final LongSupplier nanoClock;
    private final BlockingQueue<Object> inbox;
    private final ThreadPoolExecutor explainThread;
    private final Thread worker;
    /** Statement text to shape; the engine sends few distinct texts. Analysis thread only. */
    private final Map<String, QueryShape> shapes = new HashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;

    /** The end of a request, queued behind its statements so it is seen after them. */
    private record RequestEnd(String requestId) {
    }

    private QueryObservers(ObserveSettings settings, DataSource dataSource, List<QueryObserver> also,
                           LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.traces = new TraceWindow(settings.traceWindow());
        this.slow = new SlowQueries(settings.slowThreshold().toNanos(), 1_000);
        this.nPlusOne = new NPlusOneDetector(settings.nPlusOneThreshold(), settings.nPlusOneMinTotal().toNanos(),
                settings.burstWindow().toNanos());
        this.indexes = new IndexAdvisor(settings.indexMinFilters(), settings.indexMinRows());
        this.explainer = new PlanExplainer(dataSource);
        this.also = List.copyOf(also);
        this.inbox = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.explainThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100),
                r -> daemon(r, "flux-observe-explain"));
        this.worker = daemon(this::drain, "flux-observe");
    }

    /**
     * Starts observability over the database behind {@code dataSource} (used only off the
     * request threads, to take plans). {@code also}: observers called inline with every statement.
     */
    public static QueryObservers start(ObserveSettings settings, DataSource dataSource, List<QueryObserver> also) {
        return start(settings, dataSource, also, System::nanoTime);
    }

    /**
     * Like {@link #start(ObserveSettings, DataSource, List)}, with the clock the analysis judges
     * windows by ({@link System#nanoTime()} there): tests move it instead of waiting.
     */
    public static QueryObservers start(ObserveSettings settings, DataSource dataSource, List<QueryObserver> also,
                                       LongSupplier nanoClock) {
        QueryObservers observers = new QueryObservers(settings, dataSource, also, nanoClock);
        observers.worker.start();
        return observers;
    }

    @Override
    public void onQuery(QueryTrace trace) {
        if (trace == null) {
            return;
        }
        try {
            traces.add(trace);
            if (!inbox.offer(trace)) {
                dropped.increment();
            }
        } catch (RuntimeException e) {
            failed("recording", e);
        }
        for (QueryObserver observer : also) {
            try {
                observer.onQuery(trace);
            } catch (RuntimeException e) {
                failed(observer.getClass().getSimpleName(), e);
            }
        }
    }

    @Override
    public void onRequestEnd(String requestId) {
        if (requestId != null && !inbox.offer(new RequestEnd(requestId))) {
            dropped.increment();
        }
        for (QueryObserver observer : also) {
            try {
                observer.onRequestEnd(requestId);
            } catch (RuntimeException e) {
                failed(observer.getClass().getSimpleName(), e);
            }
        }
    }

    private void drain() {
        long lastSweep = nanoClock.getAsLong();
        while (running) {
            try {
                Object event = inbox.poll();
                long now = nanoClock.getAsLong();
                if (event instanceof QueryTrace) {
                    analyze((QueryTrace) event, now);
                } else if (event instanceof RequestEnd) {
                    nPlusOne.requestEnded(((RequestEnd) event).requestId());
                }
                if (now - lastSweep >= SWEEP_NANOS) {
                    nPlusOne.sweep(now);
                    lastSweep = now;
                }
                if (event == null) {
                    // Poll, do not wait on the queue: a waiting consumer makes every offer on a
                    // request thread pay for waking it (a futex call, microseconds).
                    LockSupport.parkNanos(IDLE_NANOS);
                }
            } catch (RuntimeException e) {
                failed("analysis", e);
            }
        }
    }

    private QueryShape shape(String sql) {
        QueryShape shape = shapes.get(sql);
        if (shape == null) {
            if (shapes.size() >= MAX_CACHED_SHAPES) {
                shapes.clear();
            }
            shape = QueryShape.of(sql);
            shapes.put(sql, shape);
        }
        return shape;
    }

    private void analyze(QueryTrace trace, long now) {
        QueryShape shape = shape(trace.sql());
        if (slow.record(trace, shape)) {
            explainOnce(trace, shape);
        }
        nPlusOne.record(trace, shape, now);
        indexes.record(trace);
    }

    /** Takes the plan of a shape that is slow for the first time, and logs both, once. */
    private void explainOnce(QueryTrace trace, QueryShape shape) {
        try {
            explainThread.execute(() -> {
                String plan = null;
                String error = null;
                try {
                    plan = explainer.text(trace.sql(), trace.parameters());
                } catch (Exception e) {
                    error = e.getMessage();
                }
                slow.attachPlan(shape.id(), plan, error);
                logSlow(trace, shape, plan != null ? plan : "(no plan: " + error + ")");
            });
        } catch (RejectedExecutionException e) {
            String error = "too many plans waiting";
            slow.attachPlan(shape.id(), null, error);
            logSlow(trace, shape, "(no plan: " + error + ")");
        }
    }

    private void logSlow(QueryTrace trace, QueryShape shape, String plan) {
        log.warn("slow query {} ms (threshold {} ms), shape {}, request {}: {}\n{}",
                SlowQueries.millis(trace.durationNanos()), settings.slowThreshold().toMillis(), shape.id(),
                trace.requestId(), trace.sql(), plan);
    }

    private void failed(String part, RuntimeException e) {
        failures.increment();
        // One line per failure would flood the log under load; the first, then every 1000th.
        long n = failures.sum();
        if (n == 1 || n % 1000 == 0) {
            log.warn("query observability failed in {} ({} failures so far): {}", part, n, e.toString());
        }
    }

    public ObserveSettings settings() {
        return settings;
    }

    public TraceWindow traces() {
        return traces;
    }

    public SlowQueries slowQueries() {
        return slow;
    }

    public NPlusOneDetector nPlusOne() {
        return nPlusOne;
    }

    public IndexAdvisor indexAdvisor() {
        return indexes;
    }

    /** Statements left out of analysis because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Statements waiting for analysis. */
    public int backlog() {
        return inbox.size();
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        explainThread.shutdownNow();
        try {
            worker.join(Duration.ofSeconds(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
