package flux.history;

/**
 * How a request id given to history is matched. Expanding a prefix is for the short forms people
 * copy from the CLI and the UI, and a caller asks for it: a program that names a whole id whose
 * request left no records (it rolled back before it wrote, or never ran) must hear "unknown", not
 * get the records of a longer id that happens to start with it, nor "ambiguous".
 */
public enum RequestIdMatch {
    /** The id as given. */
    EXACT,
    /** The id as given when it has records, else the one id it is a prefix of (at least 8 characters). */
    EXACT_OR_UNIQUE_PREFIX
}
