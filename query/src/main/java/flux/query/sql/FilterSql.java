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
import java.util.List;
import java.util.StringJoiner;

/** A query's filters as a SQL WHERE: the catalog's quoted column, the operator, bound values. */
final class FilterSql {
    private FilterSql() {
    }

    static String where(Query query, Table table, String alias, List<Object> params) {
        if (query.filters().isEmpty()) {
            return "";
        }
        StringJoiner conditions = new StringJoiner(" AND ", " WHERE ", "");
        for (Filter f : query.filters()) {
            conditions.add(condition(f, table.column(f.column()), alias + "." + Identifiers.quote(table.column(f.column()).name()), params));
        }
        return conditions.toString();
    }

    private static String condition(Filter f, Column column, String ref, List<Object> params) {
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
                return ref + " = ANY(" + Values.bindList(column, value, params) + ")";
            case LIKE:
            case ILIKE:
                if (!value.isTextual()) {
                    throw new InvalidQuery("filter \"" + op.jsonName() + "\" on column \"" + column.name()
                            + "\" needs a string pattern");
                }
                params.add(Values.text(column, value));
                String operand = column.kind() == ColumnKind.STRING ? ref : "CAST(" + ref + " AS text)";
                return operand + (op == Op.LIKE ? " LIKE " : " ILIKE ") + "CAST(? AS text)";
            default:
                if (value.isNull()) {
                    throw new InvalidQuery("filter \"" + op.jsonName() + "\" on column \"" + column.name()
                            + "\" needs a value");
                }
                return ref + " " + comparison(op) + " " + Values.bind(column, value, params);
        }
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
