package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommittedRecordsTest {

    @Test
    void theRecordInsertReadsTheWriteCteAndTheTransactionsSettings() {
        assertThat(CommittedRecords.cte(Operation.UPDATE)).isEqualTo("flux_m AS (INSERT INTO flux.state_mutations"
                + " (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns, tenant_id, undoes)"
                + " SELECT current_setting('flux.request_id'), pg_current_xact_id(), ?, ?, w.k, 'UPDATE', w.o, w.n, w.c,"
                + " NULLIF(current_setting('flux.tenant_id', true), ''), NULLIF(current_setting('flux.undoes', true), '')"
                + " FROM flux_w w)");
        assertThat(CommittedRecords.params("public", "users")).containsExactly("public", "users");
    }

    @Test
    void anUpdateThatAssignsTheKeyKeepsTheKeyBeforeOnlyWhenItChanged() {
        assertThat(CommittedRecords.keyChangingUpdateCte())
                .isEqualTo(CommittedRecords.cte(Operation.UPDATE).replace("undoes)", "undoes, old_row_id)")
                        .replace("'') FROM", "''), NULLIF(w.ko, w.k) FROM"));
    }
}
