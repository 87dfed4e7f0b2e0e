package flux.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanExplainerTest {

    @Test
    void questionMarksAreNumberedForTheGenericPlanButNotInsideQuotes() {
        assertThat(PlanExplainer.dollarPlaceholders("SELECT '?', \"a?\" FROM t WHERE a = ? AND b = CAST(? AS int)"))
                .isEqualTo("SELECT '?', \"a?\" FROM t WHERE a = $1 AND b = CAST($2 AS int)");
    }

    @Test
    void dollarPlaceholdersBecomeQuestionMarksWithTheValuesInTheirOrder() {
        String sql = "SELECT * FROM t WHERE b = $2 AND a = $1 AND c = $2";
        assertThat(PlanExplainer.questionPlaceholders(sql))
                .isEqualTo("SELECT * FROM t WHERE b = ? AND a = ? AND c = ?");
        assertThat(PlanExplainer.orderedValues(sql, List.of("x", "y"))).containsExactly("y", "x", "y");
    }

    @Test
    void questionMarkValuesKeepTheirOrderAndNullsSurvive() {
        assertThat(PlanExplainer.orderedValues("a = ? AND b = ?", Arrays.asList(null, 2L))).containsExactly(null, 2L);
    }

    @Test
    void theSuggestedIndexIsQuotedAndNamedAfterTableAndColumn() {
        assertThat(IndexAdvisor.createIndex("public", "orders", "customer_id"))
                .isEqualTo("CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON \"public\".\"orders\" (\"customer_id\")");
        assertThat(IndexAdvisor.createIndex("s", "we\"ird", "c")).contains("\"we\"\"ird\"");
        assertThat(IndexAdvisor.createIndex("s", "t".repeat(40), "c".repeat(40))).matches(
                "CREATE INDEX CONCURRENTLY \"t{40}_c{22}\" ON .*");
    }
}
