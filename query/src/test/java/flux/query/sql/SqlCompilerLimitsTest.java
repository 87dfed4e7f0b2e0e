package flux.query.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.Op;
import flux.query.model.Operation;
import flux.query.model.Query;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The limits the compiler enforces before any SQL runs: {@code in} list length, values per statement. */
class SqlCompilerLimitsTest {
    private static final Column ID = new Column("id", 1, "integer", ColumnKind.SCALAR, true, false, false,
            ColumnEquality.CANONICAL);
    private static final Column NOTE = new Column("note", 2, "text", ColumnKind.STRING, false, false, false,
            ColumnEquality.CANONICAL);
    private static final Table T = new Table("public", "t", List.of(ID, NOTE), List.of(ID));

    private final SqlCompiler compiler = new SqlCompiler(100, 3, 180000);

    @Test
    void anInListUpToTheCapCompilesAndOneValueMoreIsRefusedAsTooManyValues() {
        assertThat(compiler.compile(Query.select("t").where("id", Op.IN, List.of(1, 2, 3)).build(), T).params())
                .hasSize(2);
        for (Query q : List.of(Query.select("t").where("id", Op.IN, List.of(1, 2, 3, 4)).build(),
                Query.delete("t").where("id", Op.IN, List.of(1, 2, 3, 4)).build())) {
            assertThatThrownBy(() -> compiler.compile(q, T))
                    .isInstanceOfSatisfying(InvalidQuery.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.TOO_MANY_VALUES))
                    .hasMessage("filter \"in\" on column \"id\" has 4 values; at most 3 are allowed");
        }
    }

    @Test
    void aBulkInsertBindingMoreValuesThanTheProtocolCarriesIsRefusedBeforeItReachesTheDriver() {
        List<ObjectNode> rows = new ArrayList<>();
        IntStream.range(0, SqlCompiler.MAX_BOUND_VALUES / 2 + 1).forEach(i ->
                rows.add(JsonNodeFactory.instance.objectNode().put("id", i).put("note", "n")));
        Query insert = new Query("t", Operation.INSERT, List.of(), List.of(), rows, null, null,
                List.of(), false);
        assertThatThrownBy(() -> compiler.compile(insert, T))
                .isInstanceOfSatisfying(InvalidQuery.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidQuery.Reason.TOO_MANY_VALUES))
                .hasMessageContaining("split a bulk insert");
        List<ObjectNode> fewer = Collections.nCopies(1000, rows.get(0));
        assertThat(compiler.compile(new Query("t", Operation.INSERT, List.of(), List.of(), fewer,
                null, null, List.of(), false), T).params()).hasSize(2002);
    }
}
