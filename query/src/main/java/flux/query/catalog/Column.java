package flux.query.catalog;

/**
 * A column as the catalog read it. {@code sqlType} is PostgreSQL's own spelling of the type
 * ({@code format_type} without the modifier, e.g. {@code numeric}, {@code public.mood},
 * {@code integer[]}),
 * already quoted where needed, so it can be used in a CAST as is. {@code equality}: how old and
 * new values of the column may be compared.
 */
public record Column(String name, int position, String sqlType, ColumnKind kind, boolean notNull,
                     boolean hasDefault, boolean generated, ColumnEquality equality) {
}
