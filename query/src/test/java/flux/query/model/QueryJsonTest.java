package flux.query.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.query.InvalidQuery;
import org.junit.jupiter.api.Test;

class QueryJsonTest {

    private static Query read(String json) {
        return QueryJson.read(JsonCodec.parse(json));
    }

    @Test
    void readsEveryField() {
        Query q = read("""
                {"table": "s.t", "operation": "update", "filters": [{"column": "a", "op": "not_null"}],
                 "columns": ["a"], "data": {"a": 1.50}, "all": false}""");
        assertThat(q.table()).isEqualTo("s.t");
        assertThat(q.operation()).isEqualTo(Operation.UPDATE);
        assertThat(q.filters()).containsExactly(new Filter("a", Op.NOT_NULL, null));
        assertThat(q.rows().get(0).get("a").decimalValue().toPlainString()).isEqualTo("1.50");
    }

    @Test
    void anArrayOfRowsIsABulkInsert() {
        assertThat(read("{\"table\": \"t\", \"operation\": \"insert\", \"data\": [{\"a\": 1}, {\"b\": 2}]}").rows()).hasSize(2);
    }

    @Test
    void unknownFieldsDuplicateKeysAndWrongTypesAreRefused() {
        assertThatThrownBy(() -> read("{\"table\": \"t\", \"operation\": \"select\", \"filter\": []}"))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("unknown field \"filter\"");
        assertThatThrownBy(() -> read("{\"table\": \"t\", \"table\": \"u\", \"operation\": \"select\"}"))
                .isInstanceOfSatisfying(InvalidQuery.class, e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.MALFORMED_JSON));
        assertThatThrownBy(() -> read("{\"table\": \"t\", \"operation\": \"select\", \"limit\": 1.5}"))
                .isInstanceOf(InvalidQuery.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> read("{\"table\": \"t\", \"operation\": \"upsert\"}"))
                .isInstanceOfSatisfying(InvalidQuery.class, e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.UNKNOWN_OPERATION));
        assertThatThrownBy(() -> read("{\"table\": \"t\", \"operation\": \"select\", \"filters\": [{\"column\": \"a\", \"op\": \"regex\"}]}"))
                .isInstanceOfSatisfying(InvalidQuery.class, e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.UNKNOWN_OPERATOR));
    }

    @Test
    void deepNestingIsRefusedCheaply() {
        String deep = "[".repeat(JsonCodec.MAX_NESTING + 1) + "]".repeat(JsonCodec.MAX_NESTING + 1);
        assertThatThrownBy(() -> JsonCodec.parse(deep)).isInstanceOf(InvalidQuery.class).hasMessageContaining("malformed JSON");
    }

    @Test
    void requestIdsAreBoundedAndPlain() {
        assertThat(RequestId.of("550e8400-e29b-41d4-a716-446655440000").value()).hasSize(36);
        assertThat(RequestId.generate().value()).matches("[0-9a-f-]{36}");
        assertThat(RequestId.of("Az09.b_c:d@e/f+g=h-i").value()).isEqualTo("Az09.b_c:d@e/f+g=h-i");
        assertThat(RequestId.of("x".repeat(128)).value()).hasSize(128);
        for (String bad : new String[] {null, "", "a b", "x".repeat(129), "é", "a\nb", "a;b", "a\u0000b", "\uff21",
                "a,b", "%41", "[", "`", "{", "~"}) {
            assertThatThrownBy(() -> RequestId.of(bad)).as(String.valueOf(bad)).isInstanceOf(InvalidQuery.class);
        }
    }

    @Test
    void generatedRequestIdsAreVersion7UuidsOrderedByTheirMillisecond() {
        long now = System.currentTimeMillis();
        java.util.UUID id = java.util.UUID.fromString(RequestId.generate().value());
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(now - 1000, now + 1000);
        String earlier = RequestId.generate(now).value();
        String later = RequestId.generate(now + 1).value();
        // as text too: the log's request index compares the text
        assertThat(earlier).isLessThan(later);
        assertThat(RequestId.generate(now).value()).isNotEqualTo(RequestId.generate(now).value());
    }
}
