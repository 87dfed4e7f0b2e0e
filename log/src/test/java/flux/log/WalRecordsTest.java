package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WalRecordsTest {

    @Test
    void theRenderedInsertNamesTheTablesRowTypeQuotedAndNothingElseVaries() {
        String sql = WalRecords.insertRendered("t_acme_api", "Order \"x\"");
        assertThat(sql).contains("jsonb_populate_record(NULL::\"t_acme_api\".\"Order \"\"x\"\"\", u.o::jsonb)")
                .doesNotContain("ROW_TYPE");
        assertThat(sql.replace("\"t_acme_api\".\"Order \"\"x\"\"\"", "T"))
                .isEqualTo(WalRecords.insertRendered("public", "plain").replace("\"public\".\"plain\"", "T"));
    }
}
