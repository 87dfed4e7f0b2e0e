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
    void blocksBetweenPlainStatementsMakeAFileThatManagesItsOwnTransactions() {
        SqlScript script = SqlScript.parse("025.up.sql", "CREATE TABLE t (x int);\nBEGIN;\nINSERT INTO t VALUES (1);\n"
                + "COMMIT;\nALTER TABLE t ADD y int;\nBEGIN;\nUPDATE t SET y = 1;\nEND;\n");
        assertThat(script.transactional()).isFalse();
        assertThat(script.managesOwnTransactions()).isTrue();
        assertThat(script.nonTransactionalReason()).contains("its own BEGIN at line 2");
        assertThat(script.statements()).extracting(SqlStatement::text).contains("BEGIN", "COMMIT", "END");
    }

    @Test
    void aLoneCommitOrRollbackIsTheFilesOwnTransactionControlToo() {
        assertThat(SqlScript.parse("a.sql", "CREATE TABLE t (x int);\nCOMMIT;").managesOwnTransactions()).isTrue();
        assertThat(SqlScript.parse("b.sql", "BEGIN;\nDELETE FROM t;\nROLLBACK;").managesOwnTransactions()).isTrue();
        assertThat(SqlScript.parse("c.sql", "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;").managesOwnTransactions()).isFalse();
    }

    @Test
    void beginAndEndInsideBodiesAreNotTransactionControl() {
        SqlScript script = SqlScript.parse("f.sql", """
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END; $fn$;
                DO $$ BEGIN PERFORM 1; COMMIT; END $$;
                CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT x; END;
                """);
        assertThat(script.transactional()).isTrue();
        assertThat(script.statements()).hasSize(3);
    }

    @Test
    void aBlockTheFileNeverEndsIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> SqlScript.parse("006.sql", "CREATE TABLE t (x int);\nBEGIN;\nINSERT INTO t VALUES (1);"))
                .isInstanceOf(InvalidMigration.class)
                .hasMessage("006.sql line 2: BEGIN opens a transaction that the file never ends; add COMMIT; after its"
                        + " last statement");
    }

    @Test
    void preparedTransactionsAreRefused() {
        assertThatThrownBy(() -> SqlScript.parse("007.sql", "BEGIN;\nINSERT INTO t VALUES (1);\nPREPARE TRANSACTION 'x';"))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("007.sql line 3: PREPARE TRANSACTION is not allowed in a migration");
    }

    @Test
    void psqlMetaCommandsAreRefused() {
        assertThatThrownBy(() -> SqlScript.parse("005.sql", "\\set ON_ERROR_STOP on\nSELECT 1;"))
                .isInstanceOf(InvalidMigration.class)
                .hasMessageContaining("psql meta-command \\set ON_ERROR_STOP on");
    }
}
