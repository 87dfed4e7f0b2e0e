package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TypeNarrowingTest {

    @Test
    void shorterLimitsSmallerNumbersAndLossyConversionsNarrow() {
        assertThat(TypeNarrowing.narrows("character varying(50)", "character varying(20)")).isTrue();
        assertThat(TypeNarrowing.narrows("text", "character varying(20)")).isTrue();
        assertThat(TypeNarrowing.narrows("numeric(10,2)", "numeric(10,1)")).isTrue();
        assertThat(TypeNarrowing.narrows("numeric", "numeric(10,2)")).isTrue();
        assertThat(TypeNarrowing.narrows("bigint", "integer")).isTrue();
        assertThat(TypeNarrowing.narrows("double precision", "real")).isTrue();
        assertThat(TypeNarrowing.narrows("numeric(10,2)", "integer")).isTrue();
        assertThat(TypeNarrowing.narrows("timestamp with time zone", "date")).isTrue();
        assertThat(TypeNarrowing.narrows("text", "uuid")).isTrue();
    }

    @Test
    void widerTypesDoNotNarrow() {
        assertThat(TypeNarrowing.narrows("character varying(20)", "character varying(50)")).isFalse();
        assertThat(TypeNarrowing.narrows("character varying(20)", "text")).isFalse();
        assertThat(TypeNarrowing.narrows("integer", "bigint")).isFalse();
        assertThat(TypeNarrowing.narrows("numeric(10,2)", "numeric(12,2)")).isFalse();
        assertThat(TypeNarrowing.narrows("numeric(10,2)", "numeric")).isFalse();
        assertThat(TypeNarrowing.narrows("real", "double precision")).isFalse();
        assertThat(TypeNarrowing.narrows("uuid", "text")).isFalse();
        assertThat(TypeNarrowing.narrows("integer[]", "integer[]")).isFalse();
    }
}
