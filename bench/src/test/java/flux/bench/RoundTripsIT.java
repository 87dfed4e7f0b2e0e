package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import flux.app.wiring.FluxSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.tenancy.TenantPolicies;
import flux.tenancy.TenantScope;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Counts client-to-server round trips per write through the engine (sends answered by a read, on pgjdbc's socket). */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoundTripsIT {
    private static final int WRITES = 20;
    private final HikariDataSource dataSource;
    private final QueryEngine engine;

    RoundTripsIT(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase("roundtrips");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl() + "?socketFactory=" + RoundTripCounter.class.getName());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(1);
        dataSource = new HikariDataSource(config);
        FluxSchema.install(dataSource);
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id bigint PRIMARY KEY, label text NOT NULL)");
            st.execute("CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id text NOT NULL, label text NOT NULL)");
            TenantPolicies.installRuntimeRole(c);
            TenantPolicies.isolateAll(c);
        }
        engine = new QueryEngine(dataSource);
        engine.query(RequestId.of("warm"), Query.select("items").build());
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    private static double roundTripsPerWrite(LongConsumer write) {
        long before = RoundTripCounter.roundTrips();
        for (long i = 1; i <= WRITES; i++) {
            write.accept(i);
        }
        return (RoundTripCounter.roundTrips() - before) / (double) WRITES;
    }

    @Test
    void aSingleRowWriteWithItsTagAndMutationRecordIsOneRoundTrip() {
        assertThat(roundTripsPerWrite(i -> engine.query(RequestId.of("ins-" + i),
                Query.insert("items").set(Map.of("id", i, "label", "x")).build()))).isEqualTo(1.0);
        assertThat(roundTripsPerWrite(i -> engine.query(RequestId.of("upd-" + i),
                Query.update("items").set(Map.of("label", "y")).where("id", Op.EQ, i).build()))).isEqualTo(1.0);
        assertThat(roundTripsPerWrite(i -> engine.query(RequestId.of("del-" + i),
                Query.delete("items").where("id", Op.EQ, i).build()))).isEqualTo(1.0);
    }

    @Test
    void aTenantsWriteSetsItsTenantAndRoleInTheSameRoundTrip() {
        TenantScope acme = new TenantScope("rt-acme", TenantScope.Isolation.ROW, false);
        assertThat(roundTripsPerWrite(i -> engine.query(RequestId.of("t-ins-" + i), null, acme,
                Query.insert("notes").set(Map.of("id", i, "label", "x")).build()))).isEqualTo(1.0);
        assertThat(roundTripsPerWrite(i -> engine.query(RequestId.of("t-upd-" + i), null, acme,
                Query.update("notes").set(Map.of("label", "y")).where("id", Op.EQ, i).build()))).isEqualTo(1.0);
    }

    @Test
    void anExplicitTransactionAddsOnlyItsCommit() {
        assertThat(roundTripsPerWrite(i -> engine.transaction(RequestId.of("tx-" + i),
                tx -> tx.query(Query.insert("items").set(Map.of("id", 1000 + i, "label", "x")).build())))).isEqualTo(2.0);
    }
}
