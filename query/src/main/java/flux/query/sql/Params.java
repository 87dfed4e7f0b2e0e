package flux.query.sql;

import flux.query.model.Query;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a statement being compiled, each with where it comes from: a fixed value
 * (a table's name, a column list) or a {@link Slot} of the query (a row's value, a filter's
 * value, the limit). The slots let a {@link StatementCache cached} statement bind the values of
 * another query of the same shape through the same conversions, without compiling it again.
 */
final class Params {
    /** How one parameter is taken from a query: a value of it, converted to what is bound. */
    @FunctionalInterface
    interface Slot {
        Object valueIn(Query query);
    }

    private final Query query;
    private final List<Object> values = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();

    Params(Query query) {
        this.query = query;
    }

    /** The query being compiled. */
    Query query() {
        return query;
    }

    /** A parameter whose value is the same for every query of this shape. */
    void fixed(Object value) {
        values.add(value);
        slots.add(q -> value);
    }

    void fixedAll(List<?> fixedValues) {
        fixedValues.forEach(this::fixed);
    }

    /** A parameter taken from the query by {@code slot} (which may refuse the value: bad input). */
    void from(Slot slot) {
        values.add(slot.valueIn(query));
        slots.add(slot);
    }

    int size() {
        return values.size();
    }

    List<Object> values() {
        return values;
    }

    List<Slot> slots() {
        return slots;
    }
}
