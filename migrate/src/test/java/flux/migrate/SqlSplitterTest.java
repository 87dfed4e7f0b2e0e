package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlSplitterTest {

    private static List<String> texts(String sql) {
        return SqlSplitter.split(sql).stream().map(SqlStatement::text).toList();
    }

    @Test
    void splitsAtTopLevelSemicolonsAndDropsEmptyStatements() {
        assertThat(texts("CREATE TABLE a (id int);\n;\n  INSERT INTO a VALUES (1) ;SELECT 1"))
                .containsExactly("CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)", "SELECT 1");
    }

    @Test
    void theSeedTodosFileIsOneStatement() {
        String todos = """
                CREATE TABLE IF NOT EXISTS todos (
                id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
                title TEXT NOT NULL,
                done BOOLEAN DEFAULT FALSE,
                user_id TEXT,
                created_at TIMESTAMPTZ DEFAULT now()
                );
                """;
        List<SqlStatement> statements = SqlSplitter.split(todos);
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).text()).startsWith("CREATE TABLE IF NOT EXISTS todos").endsWith(")");
        assertThat(statements.get(0).keywords()).startsWith("CREATE", "TABLE", "IF", "NOT", "EXISTS", "TODOS");
    }

    @Test
    void semicolonsInStringsAndQuotedIdentifiersDoNotSplit() {
        assertThat(texts("INSERT INTO \"we;ird\"\"name\" VALUES ('a;b', 'it''s;'); SELECT 2"))
                .containsExactly("INSERT INTO \"we;ird\"\"name\" VALUES ('a;b', 'it''s;')", "SELECT 2");
    }

    @Test
    void escapeStringsHonourBackslashQuotes() {
        assertThat(texts("SELECT E'it\\'s; still a string'; SELECT 'plain\\'; SELECT 3"))
                .containsExactly("SELECT E'it\\'s; still a string'", "SELECT 'plain\\'", "SELECT 3");
    }

    @Test
    void aWordEndingInEBeforeAQuoteIsNotAnEscapeString() {
        assertThat(texts("SELECT DATE'2024-01-01\\'; SELECT 4")).containsExactly("SELECT DATE'2024-01-01\\'", "SELECT 4");
    }

    @Test
    void dollarQuotedBodiesKeepTheirSemicolons() {
        String sql = """
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
                BEGIN
                  RAISE NOTICE 'x;y';
                  RETURN $$1;$$::text::int;
                END;
                $body$;
                DO $$ BEGIN PERFORM 1; END $$;
                SELECT $1, a$b FROM t;
                """;
        List<String> statements = texts(sql);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(0)).startsWith("CREATE FUNCTION").endsWith("$body$");
        assertThat(statements.get(1)).isEqualTo("DO $$ BEGIN PERFORM 1; END $$");
        assertThat(statements.get(2)).isEqualTo("SELECT $1, a$b FROM t");
    }

    @Test
    void lineAndNestedBlockCommentsAreSkipped() {
        String sql = """
                -- a comment; with a semicolon
                /* block; /* nested; */ still comment; */
                SELECT 1; -- trailing; comment
                SELECT /* inline; */ 2;
                """;
        List<SqlStatement> statements = SqlSplitter.split(sql);
        assertThat(statements).extracting(SqlStatement::text)
                .containsExactly("SELECT 1", "SELECT /* inline; */ 2");
        assertThat(statements).extracting(SqlStatement::line).containsExactly(3, 4);
    }

    @Test
    void commentsAndStringsDoNotContributeKeywords() {
        SqlStatement s = SqlSplitter.split("CREATE /* CONCURRENTLY */ INDEX i ON t ((x || 'CONCURRENTLY'))").get(0);
        assertThat(s.keywords()).containsExactly("CREATE", "INDEX", "I", "ON", "T", "X");
    }

    @Test
    void sqlStandardFunctionBodiesAreOneStatement() {
        String sql = """
                CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;
                  SELECT 1;
                END;
                SELECT 5;
                """;
        List<String> statements = texts(sql);
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).endsWith("END");
        assertThat(statements.get(1)).isEqualTo("SELECT 5");
    }

    @Test
    void reportsTheLineOfEachStatementAndOfAnErrorPosition() {
        String sql = "SELECT 1;\n\nCREATE TABLE t (\n  id int,\n  bad nope\n);";
        List<SqlStatement> statements = SqlSplitter.split(sql);
        assertThat(statements).extracting(SqlStatement::line).containsExactly(1, 3);
        SqlStatement create = statements.get(1);
        int position = create.text().indexOf("nope") + 1;
        assertThat(create.lineOf(position)).isEqualTo(5);
    }

    @Test
    void unterminatedQuotesRunToTheEndInsteadOfSplitting() {
        assertThat(texts("SELECT 'open; SELECT 2")).containsExactly("SELECT 'open; SELECT 2");
    }
}
