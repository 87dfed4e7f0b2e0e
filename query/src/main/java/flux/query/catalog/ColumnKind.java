package flux.query.catalog;

/**
 * How the engine moves a column's values in and out; everything else is PostgreSQL's cast
 * from text. Decided by the base type (domains count as their base type).
 */
public enum ColumnKind {
    /** text, varchar, char, citext...: LIKE needs no cast. */
    STRING,
    /** bytea: base64 text in JSON both ways. */
    BYTES,
    /** json, jsonb: the JSON value itself, whatever its shape. */
    JSON,
    /** any array type: a JSON array of scalars. */
    ARRAY,
    /** numbers, booleans, uuid, dates, enums, ...: the value's text form cast by PostgreSQL. */
    SCALAR
}
