package flux.query.sql;

import com.fasterxml.jackson.databind.JsonNode;
import flux.pg.Identifiers;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Op;
import flux.query.model.Query;
import java.util.StringJoiner;

/** A query's filters as a SQL WHERE: the catalog's quoted column, the operator, bound values. */
final class FilterSql {
    private FilterSql() {
    }

    static String where(Query query, Table table, String alias, Params params) {
        if (query.filters().isEmpty()) {
            return "";
        }
        StringJoiner conditions = new StringJoiner(" AND ", " WHERE ", "");
        for (int i = 0; i < query.filters().size(); i++) {
            Filter f = query.filters().get(i);
            Column column = table.column(f.column());
            conditions.add(condition(f, valueOf(i), column, alias + "." + Identifiers.quote(column.name()), params));
        }
        return conditions.toString();
    }

    /** The value of the query's filter {@code index}. */
    static Values.At valueOf(int index) {
        return q -> q.filters().get(index).value();
    }

    private static String condition(Filter f, Values.At at, Column column, String ref, Params params) {
        Op op = f.op();
        JsonNode value = f.value();
        if ((op == Op.EQ || op == Op.NEQ) && value.isNull()) {
            return ref + (op == Op.EQ ? " IS NULL" : " IS NOT NULL");
        }
        switch (op) {
            case IS_NULL:
                return ref + " IS NULL";
            case NOT_NULL:
                return ref + " IS NOT NULL";
            case IN:
                return ref + " = ANY(" + Values.bindList(column, at, params) + ")";
            case LIKE:
            case ILIKE:
                params.from(q -> pattern(op, column, at.in(q)));
                String operand = column.kind() == ColumnKind.STRING ? ref : "CAST(" + ref + " AS text)";
                return operand + (op == Op.LIKE ? " LIKE " : " ILIKE ") + "CAST(? AS text)";
            default:
                if (value.isNull()) {
                    throw new InvalidQuery("filter \"" + op.jsonName() + "\" on column \"" + column.name()
                            + "\" needs a value");
                }
                return ref + " " + comparison(op) + " " + Values.bind(column, at, params);
        }
    }

    private static String pattern(Op op, Column column, JsonNode value) {
        if (!value.isTextual()) {
            throw new InvalidQuery("filter \"" + op.jsonName() + "\" on column \"" + column.name()
                    + "\" needs a string pattern");
        }
        return Values.text(column, value);
    }

    private static String comparison(Op op) {
        switch (op) {
            case EQ: return "=";
            case NEQ: return "<>";
            case GT: return ">";
            case LT: return "<";
            case GTE: return ">=";
            case LTE: return "<=";
            default: throw new IllegalStateException("not a comparison: " + op);
        }
    }
}
