package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class RequestIdsIT {
    private static final String A = "0192aaaa-0001-7aaa-8000-000000000001";
    private static final String B = "0192aaaa-0002-7bbb-8000-000000000002";
    private static final String C = "0192aaab-0000-7ccc-8000-000000000003";
    private final TestPostgres db;

    RequestIdsIT(TestPostgres pg) throws SQLException {
        db = pg.newDatabase("log_request_ids");
        LogSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String id : new String[] {A, B, C, "writer-1", "writer-10"}) {
                // a request of many records counts once
                st.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation,"
                        + " tenant_id) SELECT '" + id + "', 'public', 't', g::text, 'INSERT', "
                        + (id.equals(B) ? "'acme'" : "NULL") + " FROM generate_series(1, 300) g");
            }
        }
    }

    @Test
    void idsStartingWithAPrefixAreListedOnceEachInByteOrder() throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(RequestIds.startingWith(c, "0192aaaa", null, 10)).containsExactly(A, B);
            assertThat(RequestIds.startingWith(c, "0192aaa", null, 1)).containsExactly(A);
            assertThat(RequestIds.startingWith(c, "0192aaaa", "acme", 10)).as("a tenant's own").containsExactly(B);
            assertThat(RequestIds.startingWith(c, "writer-1", null, 10)).containsExactly("writer-1", "writer-10");
            assertThat(RequestIds.startingWith(c, "zzz", null, 10)).isEmpty();
        }
    }

    @Test
    void anAbbreviationIsTheShortestPrefixNoOtherIdSharesAndNeverEndsAtADash() throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(RequestIds.abbreviation(c, A, 8)).isEqualTo("0192aaaa-0001");
            assertThat(RequestIds.abbreviation(c, C, 8)).isEqualTo("0192aaab");
            assertThat(RequestIds.abbreviation(c, "writer-1", 8)).as("another id extends it").isEqualTo("writer-1");
            assertThat(RequestIds.startingWith(c, RequestIds.abbreviation(c, B, 8), null, 10)).containsExactly(B);
        }
    }

    @Test
    void theRequestIndexServesAnExactIdAsBefore() throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            try (ResultSet rs = st.executeQuery("EXPLAIN SELECT id FROM flux.state_mutations WHERE request_id = '" + A
                    + "'")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        assertThat(plan.toString()).contains("state_mutations_request_order_idx");
    }

    @Test
    void theBoundAboveAPrefixRaisesItsLastCodePoint() {
        assertThat(RequestIds.above("0192")).isEqualTo("0193");
        assertThat(RequestIds.above("ab\uD7FF")).isEqualTo("ab\uE000");
        assertThat(RequestIds.commonPrefix(A, B)).isEqualTo(12);
    }
}
