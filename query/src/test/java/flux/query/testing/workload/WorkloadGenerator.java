package flux.query.testing.workload;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes {@link Step steps} on a few hot rows of the workload table from a seeded {@link Random}:
 * the same seed gives the same steps. It keeps a model of the table as the steps would leave it
 * when applied one after another, so that updates and deletes find their row, inserts do not
 * (except a deliberate duplicate) and failures happen where it chose: a failing request's
 * violating write sets {@code plan} to null (23502) or inserts a key that exists (23505).
 * Request ids are {@code <name>-<n>}; give concurrent generators different names.
 */
public final class WorkloadGenerator {
    /** The workload table, for {@code String.format} with its name. */
    public static final String DDL = "CREATE TABLE %s (id bigint PRIMARY KEY, plan text NOT NULL, n integer NOT NULL,"
            + " note text)";
    private static final String[] PLANS = {"free", "pro", "team"};

    /**
     * Relative weights of the kinds of step, and the share of API requests that fail.
     *
     * @param failPercent   of API requests, the share that fail at a chosen write (0-100)
     * @param callerAborts  whether failing transactions may fail by their caller's code (engine only)
     */
    public record Mix(int apiWrite, int apiTransaction, int apiRangeUpdate, int rawWrite, int rawTransaction,
                      int rawRangeUpdate, int rawRollback, int captureRestart, int failPercent,
                      boolean callerAborts) {
        /** Every kind of step; no capture restarts. */
        public static final Mix DEFAULT = new Mix(30, 15, 4, 15, 6, 4, 3, 0, 25, true);

        public Mix withCaptureRestarts(int weight) {
            return new Mix(apiWrite, apiTransaction, apiRangeUpdate, rawWrite, rawTransaction, rawRangeUpdate,
                    rawRollback, weight, failPercent, callerAborts);
        }

        /** API requests only: no raw SQL, no capture restarts (nothing needs capture running). */
        public Mix withoutRawSql() {
            return new Mix(apiWrite, apiTransaction, apiRangeUpdate, 0, 0, 0, 0, 0, failPercent, callerAborts);
        }

        /** Without steps the HTTP API cannot express (a caller that aborts). */
        public Mix overHttp() {
            return new Mix(apiWrite, apiTransaction, apiRangeUpdate, rawWrite, rawTransaction, rawRangeUpdate,
                    rawRollback, captureRestart, failPercent, false);
        }

        int total() {
            return apiWrite + apiTransaction + apiRangeUpdate + rawWrite + rawTransaction + rawRangeUpdate
                    + rawRollback + captureRestart;
        }
    }

    private final Random random;
    private final String name;
    private final int rows;
    private final Mix mix;
    /** The rows as the steps so far leave them, applied one after another (id to values). */
    private final Map<Long, Map<String, Object>> model = new TreeMap<>();
    private int requests;
    private int counter;

    /**
     * @param random from the test's seed
     * @param name   prefix of the request ids
     * @param rows   the hot rows are ids 1 to {@code rows}
     */
    public WorkloadGenerator(Random random, String name, int rows, Mix mix) {
        if (rows < 3 || mix.total() <= 0) {
            throw new IllegalArgumentException("a workload needs at least 3 rows and some kind of step");
        }
        this.random = random;
        this.name = name;
        this.rows = rows;
        this.mix = mix;
    }

    public List<Step> next(int count) {
        List<Step> steps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            steps.add(next());
        }
        return steps;
    }

    public Step next() {
        int pick = random.nextInt(mix.total());
        if ((pick -= mix.apiWrite()) < 0) {
            return api(1);
        }
        if ((pick -= mix.apiTransaction()) < 0) {
            return api(2 + random.nextInt(2));
        }
        if ((pick -= mix.apiRangeUpdate()) < 0) {
            return new Step.Api(requestId(), List.of(applied(range())), -1, false);
        }
        if ((pick -= mix.rawWrite()) < 0) {
            return raw(1, false);
        }
        if ((pick -= mix.rawTransaction()) < 0) {
            return raw(2 + random.nextInt(2), false);
        }
        if ((pick -= mix.rawRangeUpdate()) < 0) {
            return new Step.Raw(List.of(applied(range())), false);
        }
        if ((pick -= mix.rawRollback()) < 0) {
            return raw(1 + random.nextInt(2), true);
        }
        return new Step.CaptureRestart();
    }

    private Step.Api api(int size) {
        List<Long> ids = distinctIds(size);
        boolean fails = random.nextInt(100) < mix.failPercent();
        boolean callerAborts = fails && mix.callerAborts() && size > 1 && random.nextBoolean();
        int failAt = fails && !callerAborts ? random.nextInt(size) : -1;
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (i == failAt) {
                writes.add(violation(ids.get(i)));
                break; // the writes after it never run
            }
            writes.add(fails ? write(ids.get(i)) : applied(write(ids.get(i))));
        }
        return new Step.Api(requestId(), writes, failAt, callerAborts);
    }

    private Step.Raw raw(int size, boolean rollback) {
        List<Write> writes = new ArrayList<>();
        for (long id : distinctIds(size)) {
            writes.add(rollback ? write(id) : applied(write(id)));
        }
        return new Step.Raw(writes, rollback);
    }

    /** A write that succeeds on the row as the model has it. */
    private Write write(long id) {
        if (!model.containsKey(id)) {
            return new Write.Insert(id, values(true));
        }
        return random.nextInt(5) == 0 ? new Write.Delete(id) : new Write.Update(id, values(false));
    }

    private Write range() {
        long from = 1 + random.nextInt(rows - 1);
        long to = Math.min(rows, from + 1 + random.nextInt(3));
        return new Write.UpdateRange(from, to, Map.of("n", ++counter));
    }

    private Write violation(long id) {
        if (model.containsKey(id) && random.nextBoolean()) {
            return new Write.Insert(id, values(true)); // the key exists: 23505
        }
        if (model.containsKey(id)) {
            return new Write.Update(id, nullPlan()); // 23502
        }
        Map<String, Object> values = values(true);
        values.put("plan", null); // 23502
        return new Write.Insert(id, values);
    }

    private static Map<String, Object> nullPlan() {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("plan", null);
        return changes;
    }

    /** New values: all columns for an insert, a changed {@code n} and sometimes more for an update. */
    private Map<String, Object> values(boolean all) {
        Map<String, Object> v = new LinkedHashMap<>();
        if (all || random.nextInt(3) == 0) {
            v.put("plan", PLANS[random.nextInt(PLANS.length)]);
        }
        v.put("n", ++counter);
        if (all || random.nextInt(4) == 0) {
            v.put("note", random.nextInt(3) == 0 ? null : "note " + counter);
        }
        return v;
    }

    /** Applies a write that commits to the model, and returns it. */
    private Write applied(Write w) {
        if (w instanceof Write.Insert insert) {
            Map<String, Object> row = new LinkedHashMap<>(insert.values());
            model.put(insert.id(), row);
        } else if (w instanceof Write.Update update) {
            model.get(update.id()).putAll(update.changes());
        } else if (w instanceof Write.UpdateRange range) {
            for (long id = range.from(); id <= range.to(); id++) {
                if (model.containsKey(id)) {
                    model.get(id).putAll(range.changes());
                }
            }
        } else {
            model.remove(((Write.Delete) w).id());
        }
        return w;
    }

    private List<Long> distinctIds(int size) {
        Set<Long> ids = new HashSet<>();
        List<Long> ordered = new ArrayList<>();
        while (ordered.size() < Math.min(size, rows)) {
            long id = 1 + random.nextInt(rows);
            if (ids.add(id)) {
                ordered.add(id);
            }
        }
        return ordered;
    }

    private String requestId() {
        return name + "-" + ++requests;
    }
}
