package flux.query.testing.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Seeded workloads for tests that check what the product recorded: a {@link WorkloadGenerator}
 * makes {@link Step steps} (API requests that commit or fail at a chosen point, raw SQL that
 * bypasses the API, capture restarts) from a {@link java.util.Random} the test got from its
 * {@code flux.dev.testing.Seed}; a {@code Workload} applies them through the real front doors;
 * {@link ExpectedHistory} says what each row's history must then be.
 *
 * <pre>{@code
 * @ExtendWith({FluxTestInfra.class, Seeds.class})
 * class MixedWritesIT {
 *     @Test
 *     void everyRowsHistoryIsItsCommittedWritesInOrder(Seed seed) {
 *         WorkloadGenerator generator = new WorkloadGenerator(seed.random(), "w", "accounts", 6, Mix.DEFAULT);
 *         Workload workload = new Workload(new EngineExecutor(engine, "accounts"),
 *                 new JdbcExecutor(dataSource, "accounts"), capture::restart);
 *         List<Outcome> outcomes = workload.run(generator.next(60));
 *         ExpectedHistory expected = ExpectedHistory.of(outcomes);
 *         ...
 *     }
 * }
 * }</pre>
 * Executors: {@link EngineExecutor} ({@code QueryEngine}), {@link HttpExecutor} ({@code POST
 * /v1/query} and {@code /v1/transaction}), {@link JdbcExecutor} (raw SQL). The table is
 * {@link WorkloadGenerator#DDL}. A workload run from several threads needs one generator per
 * thread (each with its own {@code seed.random(n)} and name); its outcomes then say what
 * happened, but {@link ExpectedHistory} (which assumes the steps ran one after another) does not
 * apply.
 */
public final class Workload {
    /** Applies one step. Implementations throw only for failures the step did not ask for. */
    public interface Executor {
        Outcome apply(Step step);
    }

    private final Executor api;
    private final Executor raw;
    private final Runnable captureRestart;

    /**
     * @param api            applies {@link Step.Api} steps
     * @param raw            applies {@link Step.Raw} steps; null when the generator makes none
     * @param captureRestart restarts capture for {@link Step.CaptureRestart}; null when the
     *                       generator makes none
     */
    public Workload(Executor api, Executor raw, Runnable captureRestart) {
        this.api = Objects.requireNonNull(api, "api");
        this.raw = raw;
        this.captureRestart = captureRestart;
    }

    public Outcome apply(Step step) {
        if (step instanceof Step.Api) {
            return api.apply(step);
        }
        if (step instanceof Step.Raw) {
            if (raw == null) {
                throw new IllegalStateException("raw SQL, but this workload has no executor for it: " + step);
            }
            return raw.apply(step);
        }
        if (captureRestart == null) {
            throw new IllegalStateException("a capture restart, but this workload has no capture to restart");
        }
        captureRestart.run();
        return Outcome.committed(step);
    }

    /** Applies the steps in order, on this thread. */
    public List<Outcome> run(List<Step> steps) {
        List<Outcome> outcomes = new ArrayList<>(steps.size());
        for (Step step : steps) {
            outcomes.add(apply(step));
        }
        return outcomes;
    }
}
