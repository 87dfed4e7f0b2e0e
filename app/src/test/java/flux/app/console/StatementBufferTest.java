package flux.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementBufferTest {
    @Test
    void aStatementIsCompleteAtATopLevelSemicolon() {
        StatementBuffer buffer = new StatementBuffer();
        assertThat(buffer.add("SELECT 1")).isNull();
        assertThat(buffer.add("  + 1;")).isEqualTo("SELECT 1\n  + 1;\n");
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void aSemicolonInsideAStringOrDollarQuoteDoesNotEndIt() {
        StatementBuffer buffer = new StatementBuffer();
        assertThat(buffer.add("SELECT 'a;")).isNull();
        assertThat(buffer.add("b';")).isEqualTo("SELECT 'a;\nb';\n");
        assertThat(buffer.add("DO $$ BEGIN PERFORM 1;")).isNull();
        assertThat(buffer.add("END $$;")).isNotNull();
    }
}
