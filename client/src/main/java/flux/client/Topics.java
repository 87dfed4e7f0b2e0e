package flux.client;

/** Flux's topic names (docs/contracts.md, "Kafka"). */
public final class Topics {
    public static final String ROLLED_BACK = "flux.rolled_back";
    public static final String TRANSACTIONS = "flux.transactions";
    public static final String SCHEMA_CHANGES = "flux.schema_changes";

    private Topics() {
    }

    /** {@code flux.<schema>.<table>}. */
    public static String forTable(String schema, String table) {
        return "flux." + schema + "." + table;
    }

    /** {@code users} is {@code flux.public.users}; {@code app.users} is {@code flux.app.users}. */
    public static String forTable(String qualifiedTable) {
        int dot = qualifiedTable.indexOf('.');
        return dot < 0 ? forTable("public", qualifiedTable)
                : forTable(qualifiedTable.substring(0, dot), qualifiedTable.substring(dot + 1));
    }
}
