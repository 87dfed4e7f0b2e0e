package flux.migrate;

/**
 * One way two schemas differ: an object only in the target (the desired state, or what the
 * applied migrations produce), only in the live database, or in both with other definitions.
 *
 * @param kind   {@code table}, {@code column}, {@code row level security}, or a {@link SchemaCatalog.Kind} label
 * @param name   qualified: {@code public.users}, {@code public.users.email}, {@code public.f(integer)}
 * @param live   its definition in the live database, null when absent there
 * @param target its definition in the target, null when absent there
 */
public record Difference(Change change, String kind, String name, String live, String target) {

    public enum Change {
        /** in the target only: the live database lacks it */
        MISSING,
        /** in the live database only */
        EXTRA,
        /** in both, defined otherwise */
        CHANGED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Dropping it or changing it loses data: an extra table or column (a type change is judged by lint). */
    public boolean destructive() {
        return change == Change.EXTRA && (kind.equals("table") || kind.equals("column"));
    }
}
