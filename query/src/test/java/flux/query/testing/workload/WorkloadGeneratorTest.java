package flux.query.testing.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadGeneratorTest {
    private static final WorkloadGenerator.Mix MIX = WorkloadGenerator.Mix.DEFAULT.withCaptureRestarts(2);

    private static List<Step> steps(long seed, int count) {
        return new WorkloadGenerator(new Random(seed), "w", 6, MIX).next(count);
    }

    /** The outcomes the generator meant: requests commit unless made to fail; raw SQL commits unless rolled back. */
    private static List<Outcome> asMeant(List<Step> steps) {
        List<Outcome> outcomes = new ArrayList<>();
        int txid = 1000;
        for (Step s : steps) {
            if (s instanceof Step.Api api) {
                outcomes.add(api.commits() ? Outcome.committed(s) : Outcome.failed(s, "23502"));
            } else if (s instanceof Step.Raw raw) {
                outcomes.add(new Outcome(s, !raw.rollback(), Integer.toString(txid++), null));
            } else {
                outcomes.add(Outcome.committed(s));
            }
        }
        return outcomes;
    }

    @Test
    void theSameSeedMakesTheSameStepsAndAnotherSeedOthers() {
        assertThat(steps(7, 300)).isEqualTo(steps(7, 300)).isNotEqualTo(steps(8, 300));
    }

    @Test
    void everyKindOfStepOccursAndFailuresAreWhereTheGeneratorPutThem() {
        List<Step> steps = steps(11, 500);
        Set<String> kinds = steps.stream().map(s -> s.getClass().getSimpleName()
                + (s instanceof Step.Api a ? (a.commits() ? "" : a.callerAborts() ? ":aborts" : ":fails") : "")
                + (s instanceof Step.Raw r && r.rollback() ? ":rollback" : "")).collect(Collectors.toSet());
        assertThat(kinds).contains("Api", "Api:fails", "Api:aborts", "Raw", "Raw:rollback", "CaptureRestart");
        for (Step s : steps) {
            if (s instanceof Step.Api api && api.failAt() >= 0) {
                assertThat(api.writes()).as("nothing runs after the failing write").hasSize(api.failAt() + 1);
                Write failing = api.writes().get(api.failAt());
                assertThat(failing).isInstanceOfAny(Write.Insert.class, Write.Update.class);
            }
        }
    }

    @Test
    void committedWritesFindTheirRowAndInsertsDoNot() {
        ExpectedHistory expected = ExpectedHistory.of(asMeant(steps(23, 500)));
        assertThat(expected.rows()).isNotEmpty();
        expected.rows().forEach((id, entries) -> {
            boolean exists = false;
            for (ExpectedHistory.Entry e : entries) {
                if (!e.status().equals("committed")) {
                    continue;
                }
                assertThat(e.operation().equals("INSERT")).as("row %s: %s", id, e).isEqualTo(!exists);
                exists = !e.operation().equals("DELETE");
            }
        });
    }

    @Test
    void theExpectedBlameCreditsEachColumnToItsLastCommittedChange() {
        Step.Api insert = new Step.Api("r-1", List.of(new Write.Insert(1, values("free", 1, "a"))), -1, false);
        Step.Api upgrade = new Step.Api("r-2", List.of(new Write.Update(1, java.util.Map.of("plan", "pro", "n", 2))), -1, false);
        Step.Raw raw = new Step.Raw(List.of(new Write.Update(1, java.util.Map.of("n", 3))), false);
        Step.Api failed = new Step.Api("r-3", List.of(new Write.Update(1, values(null, 4, "a"))), 0, false);
        ExpectedHistory expected = ExpectedHistory.of(List.of(Outcome.committed(insert), Outcome.committed(upgrade),
                new Outcome(raw, true, "77", null), Outcome.failed(failed, "23502")));

        assertThat(expected.entries(1)).extracting(ExpectedHistory.Entry::requestId, ExpectedHistory.Entry::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r-1", "committed"),
                        org.assertj.core.groups.Tuple.tuple("r-2", "committed"),
                        org.assertj.core.groups.Tuple.tuple("wal:77", "committed"),
                        org.assertj.core.groups.Tuple.tuple("r-3", "rolled_back"));
        ExpectedHistory.RowBlame blame = expected.blame(1);
        assertThat(blame.deletedBy()).isNull();
        assertThat(blame.columns()).extracting(ExpectedHistory.ColumnBlame::column, ExpectedHistory.ColumnBlame::requestId,
                        ExpectedHistory.ColumnBlame::lastAttemptRequestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("id", "r-1", null),
                        org.assertj.core.groups.Tuple.tuple("plan", "r-2", "r-3"),
                        org.assertj.core.groups.Tuple.tuple("n", "wal:77", "r-3"),
                        org.assertj.core.groups.Tuple.tuple("note", "r-1", null));
        assertThat(blame.columns().get(2).value().asInt()).isEqualTo(3);
    }

    private static java.util.Map<String, Object> values(String plan, int n, String note) {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("plan", plan);
        v.put("n", n);
        v.put("note", note);
        return v;
    }
}
