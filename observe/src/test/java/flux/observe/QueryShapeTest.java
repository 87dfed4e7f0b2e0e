package flux.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryShapeTest {

    @Test
    void theSameStatementWithDifferentLiteralsHasOneShape() {
        QueryShape a = QueryShape.of("SELECT * FROM users WHERE id = 42 AND name = 'bob'");
        QueryShape b = QueryShape.of("SELECT  *\n FROM users WHERE id = 7 AND name = 'it''s me'");
        assertThat(a).isEqualTo(b);
        assertThat(a.text()).isEqualTo("SELECT * FROM users WHERE id = ? AND name = ?");
    }

    @Test
    void placeholdersOfEitherStyleBecomeQuestionMarks() {
        assertThat(QueryShape.of("UPDATE t SET a = $1 WHERE id = $12").text()).isEqualTo("UPDATE t SET a = ? WHERE id = ?");
        assertThat(QueryShape.of("UPDATE t SET a = ? WHERE id = ?").id())
                .isEqualTo(QueryShape.of("UPDATE t SET a = $1 WHERE id = $2").id());
    }

    @Test
    void inListsOfAnyLengthHaveOneShape() {
        QueryShape two = QueryShape.of("SELECT * FROM t WHERE id IN (?, ?)");
        QueryShape five = QueryShape.of("SELECT * FROM t WHERE id IN ($1,$2,$3,$4,$5)");
        assertThat(two).isEqualTo(five);
        assertThat(two.text()).isEqualTo("SELECT * FROM t WHERE id IN (?...)");
    }

    @Test
    void digitsInNamesAndQuotedIdentifiersAreKept() {
        assertThat(QueryShape.of("SELECT t1.\"col 2\", x3 FROM \"T 9\" AS t1 WHERE t1.v = 3.25").text())
                .isEqualTo("SELECT t1.\"col 2\", x3 FROM \"T 9\" AS t1 WHERE t1.v = ?");
    }

    @Test
    void differentStatementsHaveDifferentIds() {
        assertThat(QueryShape.of("SELECT a FROM t WHERE id = ?").id())
                .isNotEqualTo(QueryShape.of("SELECT b FROM t WHERE id = ?").id())
                .hasSize(16);
    }
}
