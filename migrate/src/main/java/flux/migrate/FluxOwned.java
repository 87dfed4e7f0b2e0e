package flux.migrate;

import flux.migrate.SchemaCatalog.CatalogObject;
import flux.migrate.SchemaCatalog.Key;
import flux.migrate.SchemaCatalog.Kind;
import flux.migrate.SchemaCatalog.Table;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Leaves Flux's own objects in user tables out of a comparison: they are not the migrations'
 * and not drift. Those are named {@code flux_...} (tenancy's {@code flux_tenant_isolation}
 * policy on every table with a {@code tenant_id}), and a table holding one has its row level
 * security turned on and forced by Flux, so its flags are taken as the target has them.
 */
final class FluxOwned {
    private static final String PREFIX = "flux_";

    private FluxOwned() {
    }

    /** {@code live} without Flux's objects, its flags where Flux set them as {@code target} has them. */
    static SchemaCatalog strip(SchemaCatalog live, SchemaCatalog target) {
        Map<Key, CatalogObject> objects = new LinkedHashMap<>();
        Map<String, Table> tables = new LinkedHashMap<>(live.tables());
        for (CatalogObject o : live.objects().values()) {
            if (!o.key().name().startsWith(PREFIX)) {
                objects.put(o.key(), o);
                continue;
            }
            String table = o.key().schema() + "." + o.key().table();
            Table t = tables.get(table);
            Table wanted = target.tables().get(table);
            if (o.key().kind() == Kind.POLICY && t != null) {
                tables.put(table, new Table(t.schema(), t.name(), t.columns(),
                        wanted != null && wanted.rowSecurity(), wanted != null && wanted.forceRowSecurity(),
                        t.partitionBy(), t.order(), t.storage()));
            }
        }
        return new SchemaCatalog(live.schemas(), tables, objects);
    }
}
