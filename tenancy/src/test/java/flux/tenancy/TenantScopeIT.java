package flux.tenancy;

import flux.query.ConstraintViolation;
import flux.query.UnknownName;
import flux.query.AccessRefused;
import flux.query.QueryEngine;
import flux.query.testing.EngineFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.tenancy.TenantScope.Isolation;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The engine narrowing queries to a tenant, in both isolation modes, against a real PostgreSQL. */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantScopeIT {
    private static final TenantScope ACME = new TenantScope("eng-acme", Isolation.ROW, false);
    private static final TenantScope GLOBEX = new TenantScope("eng-globex", Isolation.ROW, false);
    private static final TenantScope INITECH = new TenantScope("eng-initech", Isolation.SCHEMA, false);

    private final EngineFixture fx;
    private final QueryEngine engine;

    TenantScopeIT(TestPostgres pg) throws Exception {
        fx = new EngineFixture(pg, "tenant_scope", """
                CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text);
                CREATE TABLE plain (id int PRIMARY KEY);
                """);
        try (Connection c = fx.dataSource.getConnection()) {
            TenantPolicies.installRuntimeRole(c);
            TenantPolicies.isolateAll(c);
            TenantSchemas.provision(c, "eng-initech");
            TenantSchemas.provision(c, "eng-hooli");
        }
        fx.execute("CREATE TABLE t_eng_initech_api.items (id int PRIMARY KEY, name text);"
                + "CREATE TABLE t_eng_hooli_api.items (id int PRIMARY KEY, name text);"
                + "INSERT INTO t_eng_hooli_api.items VALUES (1, 'hooli secret')");
        engine = fx.engine;
    }

    @AfterAll
    void close() {
        fx.close();
    }

    @BeforeEach
    void clean() {
        fx.execute("TRUNCATE notes, plain, t_eng_initech_api.items, flux.state_mutations RESTART IDENTITY;"
                + "INSERT INTO notes VALUES (1, 'eng-acme', 'a1'), (2, 'eng-acme', 'a2'), (3, 'eng-globex', 'g3')");
    }

    private List<JsonNode> run(TenantScope scope, Query q) {
        return engine.query(RequestId.generate(), null, scope, q).rows();
    }

    private List<String> bodies(TenantScope scope, Query q) {
        return run(scope, q).stream().map(r -> r.get("body").asText()).toList();
    }

    @Test
    void readsSeeOnlyTheTenantsRowsWhateverTheFiltersSay() {
        assertThat(bodies(ACME, Query.select("notes").build())).containsExactly("a1", "a2");
        assertThat(bodies(ACME, Query.select("notes").where("id", Op.EQ, 3).build())).isEmpty();
        assertThat(bodies(ACME, Query.select("notes").where("id", Op.IN, List.of(1, 3)).build())).containsExactly("a1");
        assertThat(bodies(ACME, Query.select("notes").where("tenant_id", Op.EQ, "eng-globex").build())).isEmpty();
        assertThat(bodies(ACME, Query.select("notes").where("tenant_id", Op.NEQ, "eng-acme").build())).isEmpty();
        assertThat(bodies(GLOBEX, Query.select("notes").build())).containsExactly("g3");
    }

    @Test
    void updatesAndDeletesOfAnotherTenantsRowsChangeNothing() {
        assertThat(run(ACME, Query.update("notes").set(Map.of("body", "x")).where("id", Op.EQ, 3).build())).isEmpty();
        assertThat(run(ACME, Query.delete("notes").where("id", Op.IN, List.of(3)).build())).isEmpty();
        assertThat(run(ACME, Query.update("notes").set(Map.of("body", "mine")).all().build())).hasSize(2);
        assertThat(fx.one("SELECT body FROM notes WHERE id = 3")).isEqualTo("g3");
        assertThat(fx.one("SELECT count(*) FROM notes WHERE body = 'mine' AND tenant_id = 'eng-acme'")).isEqualTo("2");
    }

    @Test
    void insertsAreStampedAndTheirRecordsCarryTheTenant() {
        JsonNode row = run(ACME, Query.insert("notes").set(Map.of("id", 9, "body", "new")).build()).get(0);
        assertThat(row.get("tenant_id").asText()).isEqualTo("eng-acme");
        assertThat(fx.one("SELECT tenant_id FROM flux.state_mutations WHERE row_id = '9'")).isEqualTo("eng-acme");
    }

    @Test
    void writingAnotherTenantsIdIsRefusedBeforeAnySql() {
        assertThatThrownBy(() -> run(ACME, Query.insert("notes").set(Map.of("id", 9, "tenant_id", "eng-globex")).build()))
                .isInstanceOf(AccessRefused.class).hasMessageContaining("tenant_id \"eng-acme\"")
                .extracting(e -> ((AccessRefused) e).reason()).isEqualTo(AccessRefused.Reason.TENANT_MISMATCH);
        assertThatThrownBy(() -> run(ACME, Query.update("notes").set(Map.of("tenant_id", "eng-globex"))
                .where("id", Op.EQ, 1).build())).isInstanceOf(AccessRefused.class);
        assertThat(fx.one("SELECT count(*) FROM notes")).isEqualTo("3");
        assertThat(fx.one("SELECT count(*) FROM flux.state_mutations")).isEqualTo("0");
    }

    @Test
    void tablesWithoutATenantColumnDoNotExistForARowTenant() {
        assertThatThrownBy(() -> run(ACME, Query.select("plain").build()))
                .isInstanceOf(UnknownName.class).hasMessage("unknown table \"plain\"");
    }

    @Test
    void aRolledBackAttemptIsRecordedWithTheTenant() {
        assertThatThrownBy(() -> engine.transactionResult(RequestId.of("tx-fail"), null, ACME, tx -> {
            tx.query(Query.insert("notes").set(Map.of("id", 10, "body", "ok")).build());
            return tx.query(Query.insert("notes").set(Map.of("id", 1, "body", "dup")).build());
        })).isInstanceOf(ConstraintViolation.class);
        assertThat(fx.rows("SELECT status, tenant_id FROM flux.state_mutations WHERE request_id = 'tx-fail'"))
                .containsOnly(List.of("rolled_back", "eng-acme")).hasSize(2);
    }

    @Test
    void aPooledConnectionCarriesNoTenantIntoTheNextTransaction() throws Exception {
        try (var pool = new com.zaxxer.hikari.HikariDataSource()) {
            pool.setJdbcUrl(fx.db.jdbcUrl());
            pool.setUsername(fx.db.user());
            pool.setPassword(fx.db.password());
            pool.setMaximumPoolSize(1);
            QueryEngine one = new QueryEngine(pool);
            assertThat(one.query(RequestId.generate(), null, GLOBEX, Query.select("notes").build()).rows()).hasSize(1);
            try (Connection c = pool.getConnection(); var st = c.createStatement()) {
                c.setAutoCommit(false);
                // Same physical connection, runtime role, no new tenant setting: RLS shows nothing.
                st.execute("SELECT set_config('role', 'flux_runtime', true)");
                try (var rs = st.executeQuery("SELECT count(*), current_setting('flux.tenant_id', true) FROM notes")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.getString(2)).isEmpty();
                }
                c.rollback();
                c.setAutoCommit(true);
            }
            assertThat(one.query(RequestId.generate(), null, ACME, Query.select("notes").build()).rows()).hasSize(2);
            assertThat(one.query(RequestId.generate(), Query.select("plain").build()).rows()).isEmpty();
        }
    }

    @Test
    void aSchemaTenantsNamesResolveInItsOwnSchemaOnly() {
        run(INITECH, Query.insert("items").set(Map.of("id", 1, "name", "mine")).build());
        assertThat(run(INITECH, Query.select("items").build())).extracting(r -> r.get("name").asText())
                .containsExactly("mine");
        assertThat(run(INITECH, Query.select("t_eng_initech_api.items").build())).hasSize(1);
        for (String other : List.of("t_eng_hooli_api.items", "public.notes", "notes", "plain")) {
            assertThatThrownBy(() -> run(INITECH, Query.select(other).build())).isInstanceOf(UnknownName.class);
        }
        assertThat(fx.rows("SELECT tenant_id, table_schema FROM flux.state_mutations"))
                .containsExactly(List.of("eng-initech", "t_eng_initech_api"));
    }

    @Test
    void overQuotaRefusesInsertsAndUpdatesButNotReadsOrDeletes() {
        TenantScope full = new TenantScope("eng-acme", Isolation.ROW, true);
        assertThatThrownBy(() -> run(full, Query.insert("notes").set(Map.of("id", 5)).build()))
                .isInstanceOf(AccessRefused.class)
                .extracting(e -> ((AccessRefused) e).reason()).isEqualTo(AccessRefused.Reason.QUOTA_EXCEEDED);
        assertThatThrownBy(() -> run(full, Query.update("notes").set(Map.of("body", "b")).all().build()))
                .isInstanceOf(AccessRefused.class);
        assertThat(run(full, Query.select("notes").build())).hasSize(2);
        assertThat(run(full, Query.delete("notes").where("id", Op.EQ, 1).build())).hasSize(1);
    }
}
