package flux.query.catalog;

import flux.query.UnknownName;
import flux.query.model.Names;
import flux.query.sql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables the API may touch, cached from {@code pg_catalog}. Read lazily on first use and
 * again on {@link #refresh()} (call it after a migration, e.g. on {@code NOTIFY
 * flux_schema_changed}, which Flux's schema detector also sends for DDL made in psql). A lookup
 * that misses, a table or (through the engine) a column, refreshes at most once per second before
 * it fails ({@link #refreshAfterMiss}), so a table or column created by hand is usable at once,
 * while a flood of unknown names cannot turn into a flood of catalog reads. Thread-safe: readers see one
 * immutable snapshot.
 */
public final class Catalog {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);
    private static final long MISS_REFRESH_INTERVAL_NANOS = 1_000_000_000L;

    private final DataSource dataSource;
    private final CatalogReader reader = new CatalogReader();
    private volatile CatalogReader.Snapshot snapshot;
    private final LongSupplier clock;
    private volatile long lastRefresh;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public Catalog(DataSource dataSource) {
        this(dataSource, System::nanoTime);
    }

    /** @param nanoClock the clock that throttles rereads after misses ({@code System::nanoTime}; tests turn it) */
    public Catalog(DataSource dataSource, LongSupplier nanoClock) {
        this.dataSource = dataSource;
        this.clock = nanoClock;
    }

    /** Rereads the catalog now. */
    public void refresh() {
        try (Connection c = dataSource.getConnection()) {
            CatalogReader.Snapshot fresh = reader.read(c);
            snapshot = fresh;
            generation.incrementAndGet();
            lastRefresh = clock.getAsLong();
            log.debug("catalog refreshed: {} schemas", fresh.tables().size());
        } catch (SQLException e) {
            throw SqlErrors.connectionFailure("read the catalog", e);
        }
    }

    /**
     * The table named {@code name}: {@code schema.table}, or a bare table name looked up along
     * the database's search path.
     *
     * @throws UnknownName when no queryable table has that name
     */
    public Table table(String name) {
        return table(name, true);
    }

    /**
     * Like {@link #table(String)}; with {@code refreshOnMiss} false a miss fails at once. Callers
     * that hold a pooled connection pass false: a refresh takes a second connection, and a pool
     * whose every connection waits for another would stall.
     */
    public Table table(String name, boolean refreshOnMiss) {
        Table t = find(current(), name);
        if (t == null && refreshOnMiss && refreshAfterMiss()) {
            t = find(current(), name);
        }
        if (t == null) {
            throw new UnknownName(UnknownName.Kind.TABLE, "unknown table \"" + Names.shorten(name) + "\"");
        }
        return t;
    }

    /**
     * After a name was not found (a table or column this snapshot lacks, or one PostgreSQL no longer
     * has): rereads the catalog, unless it was read within the last second. True when it reread it.
     */
    public boolean refreshAfterMiss() {
        if (clock.getAsLong() - lastRefresh <= MISS_REFRESH_INTERVAL_NANOS) {
            return false;
        }
        synchronized (this) {
            if (clock.getAsLong() - lastRefresh <= MISS_REFRESH_INTERVAL_NANOS) {
                return false;
            }
            refresh();
            return true;
        }
    }

    /** Every queryable table, by schema and name (what a listing shows; lookups go through {@link #table}). */
    public List<Table> tables() {
        List<Table> all = new ArrayList<>();
        current().tables().values().forEach(byName -> all.addAll(byName.values()));
        all.sort(Comparator.comparing(Table::schema).thenComparing(Table::name));
        return all;
    }

    /**
     * How many times the catalog was read: it changes whenever the tables may have, so what was
     * derived from the previous tables (compiled statements) can be let go.
     */
    public long generation() {
        return generation.get();
    }

    /** Reads the catalog now unless it was read before. */
    public void ensureLoaded() {
        current();
    }

    private CatalogReader.Snapshot current() {
        CatalogReader.Snapshot s = snapshot;
        if (s == null) {
            synchronized (this) {
                if (snapshot == null) {
                    refresh();
                }
                s = snapshot;
            }
        }
        return s;
    }

    private static Table find(CatalogReader.Snapshot s, String name) {
        for (String schema : s.searchPath()) {
            Table t = lookup(s, schema, name);
            if (t != null) {
                return t;
            }
        }
        int dot = name.indexOf('.');
        return dot > 0 ? lookup(s, name.substring(0, dot), name.substring(dot + 1)) : null;
    }

    private static Table lookup(CatalogReader.Snapshot s, String schema, String table) {
        Map<String, Table> tables = s.tables().get(schema);
        return tables == null ? null : tables.get(table);
    }
}
