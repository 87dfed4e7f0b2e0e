package flux.query.sql;

import com.fasterxml.jackson.databind.JsonNode;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnKind;
import flux.query.model.JsonCodec;
import flux.query.model.Query;
import java.math.BigDecimal;
import java.util.List;

/**
 * Turns one JSON value into a bound parameter plus the SQL that converts it to the column's
 * type. Values are always bound as text (or text[]) and cast by PostgreSQL, so PostgreSQL's
 * own input functions decide what is a valid uuid, date, enum label or numeric: no parsing,
 * no rounding on this side.
 */
final class Values {
    /** Beyond this exponent a number is sent in scientific form rather than expanded digit by digit. */
    private static final int MAX_PLAIN_SCALE = 1000;

    private Values() {
    }

    /** Where a value sits in a query of a given shape (a row's field, a filter's value). */
    @FunctionalInterface
    interface At {
        JsonNode in(Query query);
    }

    /**
     * The SQL for the value {@code at} as a value of {@code column}; adds its parameter to
     * {@code params}. The SQL depends only on the column and on whether the value is null (part
     * of a statement's shape); the parameter is converted from each query's own value.
     */
    static String bind(Column column, At at, Params params) {
        params.from(q -> param(column, at.in(q)));
        if (at.in(params.query()).isNull()) {
            return column.kind() == ColumnKind.BYTES ? "CAST(? AS bytea)" : cast(column.sqlType());
        }
        switch (column.kind()) {
            case BYTES:
                return "decode(?, 'base64')";
            case ARRAY:
                return "CAST(CAST(? AS text[]) AS " + column.sqlType() + ")";
            case JSON:
            case STRING:
            case SCALAR:
                return cast(column.sqlType());
            default:
                throw new IllegalStateException("unhandled column kind " + column.kind());
        }
    }

    /** The bound form of one value of {@code column}: text, text[] or null. */
    private static Object param(Column column, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        switch (column.kind()) {
            case JSON:
                return JsonCodec.write(value);
            case ARRAY:
                return elements(column, value);
            case BYTES:
            case STRING:
            case SCALAR:
                return scalarText(column, value);
            default:
                throw new IllegalStateException("unhandled column kind " + column.kind());
        }
    }

    /** The SQL for the array {@code at} of values of {@code column}, as one {@code text[]} parameter (for {@code IN}). */
    static String bindList(Column column, At at, Params params) {
        params.from(q -> list(column, at.in(q)));
        if (column.kind() == ColumnKind.BYTES) {
            return "ARRAY(SELECT decode(flux_v, 'base64') FROM unnest(CAST(? AS text[])) AS flux_u(flux_v))";
        }
        return "CAST(CAST(? AS text[]) AS " + column.sqlType() + "[])";
    }

    private static String[] list(Column column, JsonNode values) {
        if (!values.isArray()) {
            throw new InvalidQuery("filter \"in\" on column \"" + column.name() + "\" needs an array value");
        }
        if (column.kind() == ColumnKind.ARRAY) {
            throw new InvalidQuery("filter \"in\" is not supported on array column \"" + column.name() + "\"");
        }
        String[] texts = new String[values.size()];
        for (int i = 0; i < texts.length; i++) {
            JsonNode v = values.get(i);
            texts[i] = v.isNull() ? null
                    : column.kind() == ColumnKind.JSON ? JsonCodec.write(v) : scalarText(column, v);
        }
        return texts;
    }

    static String text(Column column, JsonNode value) {
        return scalarText(column, value);
    }

    private static String cast(String sqlType) {
        return "CAST(? AS " + sqlType + ")";
    }

    private static String[] elements(Column column, JsonNode value) {
        if (!value.isArray()) {
            throw new InvalidQuery("column \"" + column.name() + "\" is an array: its value must be a JSON array");
        }
        String[] texts = new String[value.size()];
        for (int i = 0; i < texts.length; i++) {
            JsonNode v = value.get(i);
            if (v.isArray()) {
                throw new InvalidQuery("column \"" + column.name() + "\": nested arrays are not supported");
            }
            texts[i] = v.isNull() ? null : v.isObject() ? JsonCodec.write(v) : scalarText(column, v);
        }
        return texts;
    }

    private static String scalarText(Column column, JsonNode value) {
        String text;
        if (value.isTextual()) {
            text = value.textValue();
        } else if (value.isBoolean()) {
            text = value.booleanValue() ? "true" : "false";
        } else if (value.isInt() || value.isLong()) {
            text = Long.toString(value.longValue()); // no BigInteger in between for the common case
        } else if (value.isIntegralNumber()) {
            text = value.bigIntegerValue().toString();
        } else if (value.isNumber()) {
            BigDecimal d = value.decimalValue();
            text = Math.abs(d.scale()) > MAX_PLAIN_SCALE ? d.toString() : d.toPlainString();
        } else {
            throw new InvalidQuery("column \"" + column.name() + "\" takes a single value, not a JSON "
                    + (value.isArray() ? "array" : "object"));
        }
        if (text.indexOf('\0') >= 0) {
            throw new InvalidQuery("column \"" + column.name() + "\": text values cannot contain NUL characters");
        }
        return text;
    }
}
