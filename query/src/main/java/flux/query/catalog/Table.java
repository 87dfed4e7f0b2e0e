package flux.query.catalog;

import flux.query.UnknownName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A queryable table: its columns in table order and its primary key columns in key order
 * (empty when the table has none; such tables can be read but not written, since every
 * mutation record names its row by key). Immutable.
 */
public final class Table {
    private final String schema;
    private final String name;
    private final List<Column> columns;
    private final List<Column> primaryKey;
    private final Map<String, Column> byName = new LinkedHashMap<>();
    private final String[] columnNames;

    public Table(String schema, String name, List<Column> columns, List<Column> primaryKey) {
        this.schema = schema;
        this.name = name;
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
        columns.forEach(c -> byName.put(c.name(), c));
        this.columnNames = columns.stream().map(Column::name).toArray(String[]::new);
    }

    public String schema() {
        return schema;
    }

    public String name() {
        return name;
    }

    public String qualifiedName() {
        return schema + "." + name;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Column> primaryKey() {
        return primaryKey;
    }

    /** Column names in table order (a fresh copy: it is bound as a statement parameter). */
    public String[] columnNames() {
        return columnNames.clone();
    }

    public boolean hasBytes() {
        return columns.stream().anyMatch(c -> c.kind() == ColumnKind.BYTES);
    }

    public boolean has(String columnName) {
        return byName.containsKey(columnName);
    }

    public Column column(String columnName) {
        Column c = byName.get(columnName);
        if (c == null) {
            throw new UnknownName(UnknownName.Kind.COLUMN, "unknown column \"" + name + "." + flux.query.model.Names.shorten(columnName) + "\"");
        }
        return c;
    }
}
