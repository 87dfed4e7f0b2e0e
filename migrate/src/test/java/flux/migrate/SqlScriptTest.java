package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void createIndexConcurrentlyMakesTheFileNonTransactionalAndSaysWhere() {
        SqlScript script = SqlScript.parse("002_idx.sql",
                "SET lock_timeout = '1s';\n\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x);");
        assertThat(script.transactional()).isFalse();
        assertThat(script.nonTransactionalReason()).contains("CREATE UNIQUE INDEX CONCURRENTLY at line 3");
    }

    @Test
    void ordinaryDdlIsTransactional() {
        SqlScript script = SqlScript.parse("001.sql", "CREATE TABLE t (x int); CREATE INDEX i ON t (x);"
                + " REFRESH MATERIALIZED VIEW CONCURRENTLY v;");
        assertThat(script.transactional()).isTrue();
        assertThat(script.nonTransactionalReason()).isEmpty();
    }

    @Test
    void otherStatementsThatRefuseATransactionAreRecognised() {
        for (String sql : new String[] {"DROP INDEX CONCURRENTLY i", "REINDEX TABLE CONCURRENTLY t", "VACUUM t",
                "ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "CREATE DATABASE d", "ALTER SYSTEM SET x = 1"}) {
            assertThat(SqlScript.parse("f.sql", sql).transactional()).as(sql).isFalse();
        }
    }

    @Test
    void copyFromStdinIsRefusedWithTheLine() {
        assertThatThrownBy(() -> SqlScript.parse("003_seed.sql", "SELECT 1;\nCOPY t (a) FROM stdin;\n1\n\\.\n"))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("003_seed.sql line 2: COPY ... FROM STDIN");
    }

    @Test
    void aFileWrappedInBeginCommitRunsAsOneTransaction() {
        SqlScript script = SqlScript.parse("001.sql", "BEGIN;\nCREATE TABLE t (x int);\nCOMMIT;\n");
        assertThat(script.statements()).extracting(SqlStatement::text).containsExactly("CREATE TABLE t (x int)");
    }

    @Test
    void transactionControlInsideAFileIsRefused() {
        assertThatThrownBy(() -> SqlScript.parse("004.sql", "CREATE TABLE t (x int);\nCOMMIT;\nCREATE TABLE u (x int);"))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("004.sql line 2: COMMIT is not allowed");
    }

    @Test
    void psqlMetaCommandsAreRefused() {
        assertThatThrownBy(() -> SqlScript.parse("005.sql", "\\set ON_ERROR_STOP on\nSELECT 1;"))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageContaining("psql meta-command \\set ON_ERROR_STOP on");
    }
}
