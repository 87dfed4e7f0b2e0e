package flux.observe;

import flux.query.QueryTrace;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlowQueriesTest {
    private static final long MS = 1_000_000;

    @Test
    void aShapeIsReportedAsNewOnlyTheFirstTimeItIsSlow() {
        SlowQueries slow = new SlowQueries(100 * MS, 10);
        QueryTrace first = Traces.select("r1", "id", 1, 150 * MS);
        assertThat(slow.record(first, QueryShape.of(first.sql()))).isTrue();
        QueryTrace again = Traces.select("r2", "id", 2, 300 * MS);
        assertThat(slow.record(again, QueryShape.of(again.sql()))).isFalse();
        assertThat(slow.list(TenantView.ALL)).singleElement().satisfies(q -> {
            assertThat(q.count()).isEqualTo(2);
            assertThat(q.maxMs()).isEqualTo(300.0);
            assertThat(q.meanMs()).isEqualTo(225.0);
            assertThat(q.lastRequestId()).isEqualTo("r2");
        });
        assertThat(slow.total()).isEqualTo(2);
    }

    @Test
    void eachTenantSeesItsOwnStatementsOfAShapeWhosePlanIsTakenOnce() {
        SlowQueries slow = new SlowQueries(100 * MS, 10);
        QueryTrace acme = Traces.ofTenant(Traces.select("a1", "id", 1, 150 * MS), "acme");
        QueryTrace globex = Traces.ofTenant(Traces.select("g1", "id", 2, 300 * MS), "globex");
        assertThat(slow.record(acme, QueryShape.of(acme.sql()))).isTrue();
        assertThat(slow.record(globex, QueryShape.of(globex.sql()))).as("one plan per shape").isFalse();
        slow.attachPlan(QueryShape.of(acme.sql()).id(), "Seq Scan on users", null);
        assertThat(slow.list(TenantView.of("acme"))).singleElement().satisfies(q -> {
            assertThat(q.lastRequestId()).isEqualTo("a1");
            assertThat(q.maxMs()).isEqualTo(150.0);
            assertThat(q.tenantId()).isEqualTo("acme");
            assertThat(q.plan()).isEqualTo("Seq Scan on users");
        });
        assertThat(slow.total(TenantView.of("acme"))).isEqualTo(1);
        assertThat(slow.list(TenantView.of("initech"))).isEmpty();
        assertThat(slow.list(TenantView.ALL)).extracting(SlowQuery::tenantId).containsExactlyInAnyOrder("acme", "globex");
        assertThat(slow.total(TenantView.ALL)).isEqualTo(2);
    }

    @Test
    void fastStatementsAreNotCounted() {
        SlowQueries slow = new SlowQueries(100 * MS, 10);
        QueryTrace fast = Traces.select("r1", "id", 1, 99 * MS);
        assertThat(slow.record(fast, QueryShape.of(fast.sql()))).isFalse();
        assertThat(slow.list(TenantView.ALL)).isEmpty();
        assertThat(slow.total()).isZero();
    }

    @Test
    void thePlanIsAttachedToItsShape() {
        SlowQueries slow = new SlowQueries(100 * MS, 10);
        QueryTrace t = Traces.select("r1", "id", 1, 150 * MS);
        QueryShape shape = QueryShape.of(t.sql());
        slow.record(t, shape);
        slow.attachPlan(shape.id(), "Seq Scan on users", null);
        assertThat(slow.list(TenantView.ALL).get(0).plan()).isEqualTo("Seq Scan on users");
    }

    @Test
    void theLeastRecentlySlowShapeIsForgottenFirstAndIsNewAgainAfterwards() {
        SlowQueries slow = new SlowQueries(100 * MS, 2);
        QueryTrace a = Traces.select("r", "a", 1, 200 * MS);
        QueryTrace b = Traces.select("r", "b", 1, 200 * MS);
        QueryTrace c = Traces.select("r", "c", 1, 200 * MS);
        slow.record(a, QueryShape.of(a.sql()));
        slow.record(b, QueryShape.of(b.sql()));
        slow.record(c, QueryShape.of(c.sql()));
        assertThat(slow.list(TenantView.ALL)).hasSize(2).extracting(SlowQuery::sql).noneMatch(sql -> sql.contains("\"a\""));
        assertThat(slow.record(a, QueryShape.of(a.sql()))).isTrue();
    }
}
