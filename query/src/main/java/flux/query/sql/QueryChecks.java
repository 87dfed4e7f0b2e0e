package flux.query.sql;

import flux.query.InvalidQuery;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Names;
import flux.query.model.Op;
import flux.query.model.Query;

/** The refusals that do not depend on how an operation is written in SQL: checked before any text is built. */
final class QueryChecks {
    private QueryChecks() {
    }

    static void rejectLongInLists(Query query, int maxInValues) {
        for (Filter f : query.filters()) {
            if (f.op() == Op.IN && f.value().isArray() && f.value().size() > maxInValues) {
                throw new InvalidQuery(InvalidQuery.Reason.TOO_MANY_VALUES, "filter \"in\" on column \""
                        + Names.shorten(f.column()) + "\" has " + f.value().size() + " values; at most "
                        + maxInValues + " are allowed");
            }
        }
    }

    static void requireKey(Table table) {
        if (table.primaryKey().isEmpty()) {
            throw new InvalidQuery("table \"" + table.qualifiedName() + "\" has no primary key: the API writes only"
                    + " tables whose rows it can name in the mutation log");
        }
    }

    static void requireFiltersOrAll(Query query) {
        if (query.filters().isEmpty() && !query.all()) {
            throw new InvalidQuery(InvalidQuery.Reason.FILTERS_REQUIRED, "\"" + query.operation().jsonName() + "\" without filters would change every row;"
                    + " send \"all\": true to mean that");
        }
        if (!query.filters().isEmpty() && query.all()) {
            throw new InvalidQuery("\"all\": true and filters contradict each other");
        }
    }

    static void rejectReadOnlyFields(Query query) {
        if (query.limit() != null || query.offset() != null || !query.order().isEmpty()) {
            throw new InvalidQuery("limit, offset and order apply to select only");
        }
    }
}
