package flux.capture.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shape check of an admin's --where text (PostgreSQL checks the rest). */
class SnapshotFilterTest {
    @Test
    void anExpressionInBalancedParenthesesWithLiteralsPasses() {
        assertThat(SnapshotFilter.shapeProblem("plan = 'pro' AND (id > 10 OR note = 'a;b)--''c')")).isNull();
        assertThat(SnapshotFilter.shapeProblem("\"weird;name\" IS NOT NULL")).isNull();
    }

    @Test
    void statementsCommentsAndEscapingTheParenthesesAreRefused() {
        assertThat(SnapshotFilter.shapeProblem("true; DELETE FROM users")).contains("';'");
        assertThat(SnapshotFilter.shapeProblem("true) OR (true")).contains("')' without");
        assertThat(SnapshotFilter.shapeProblem("true -- ")).contains("comments");
        assertThat(SnapshotFilter.shapeProblem("$$x$$ = 'x'")).contains("dollar");
        assertThat(SnapshotFilter.shapeProblem("(true")).contains("'(' without");
        assertThat(SnapshotFilter.shapeProblem("name = 'open")).contains("unterminated");
    }
}
