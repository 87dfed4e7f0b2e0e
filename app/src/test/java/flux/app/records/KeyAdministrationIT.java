package flux.app.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.IssuedKey;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** API keys kept by Micronaut Data in flux.api_keys, each change in flux.audit_log. */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyAdministrationIT {
    private final TestRecords records;
    private final TestPostgres db;
    private final KeyAdministration keys;
    private final ApiKeyStore store;

    KeyAdministrationIT(TestPostgres pg) throws Exception {
        records = TestRecords.start(pg, "key_administration");
        db = records.db();
        keys = records.context().get(KeyAdministration.class);
        store = records.context().get(ApiKeyStore.class);
    }

    @AfterAll
    void close() {
        records.close();
    }

    @Test
    void anIssuedKeyAuthenticatesAsItsTenantAndRoleAndOnlyItsHashIsStored() throws Exception {
        IssuedKey issued = keys.create(AuditLog.CLI, "acme", Role.READ_WRITE, "ci");
        assertThat(store.authenticate(issued.token()))
                .contains(new Principal(issued.key().id(), "acme", Role.READ_WRITE));
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM flux.api_keys WHERE id = '" + issued.key().id() + "'")) {
            rs.next();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertThat(String.valueOf(rs.getObject(i))).doesNotContain(issued.token().substring(14));
            }
        }
    }

    @Test
    void aRevokedKeyStopsAuthenticatingAndKeepsItsFirstRevocation() throws Exception {
        IssuedKey issued = keys.create(AuditLog.CLI, "globex", Role.READ_ONLY, "old");
        assertThat(store.authenticate(issued.token())).isPresent();
        Instant first = keys.revoke(AuditLog.CLI, issued.key().id()).orElseThrow().revokedAt();
        assertThat(first).isNotNull();
        assertThat(store.authenticate(issued.token())).isEmpty();
        assertThat(keys.revoke(AuditLog.CLI, issued.key().id()).orElseThrow().revokedAt()).isEqualTo(first);
        assertThat(keys.list()).filteredOn(k -> k.id().equals(issued.key().id()))
                .singleElement().satisfies(k -> assertThat(k.revokedAt()).isEqualTo(first));
        assertThat(keys.revoke(AuditLog.CLI, "00000000")).isEmpty();
    }

    @Test
    void keysAreListedOldestFirst() throws Exception {
        IssuedKey older = keys.create(AuditLog.CLI, "order", Role.READ_ONLY, null);
        IssuedKey newer = keys.create(AuditLog.CLI, "order", Role.ADMIN, null);
        assertThat(keys.list()).filteredOn(k -> k.tenantId().equals("order")).extracting(k -> k.id())
                .containsExactly(older.key().id(), newer.key().id());
    }

    @Test
    void issuingAndRevokingAreAuditedWithTheActorTenantAndDetail() throws Exception {
        IssuedKey issued = keys.create(AuditLog.CLI, "initech", Role.ADMIN, "deploy");
        keys.revoke("3f9a2c1d", issued.key().id());
        assertThat(AuditRows.of(db, issued.key().id())).containsExactly(
                new AuditRows("cli", "initech", "key.create", issued.key().id(), "{\"name\": \"deploy\", \"role\": \"admin\"}"),
                new AuditRows("3f9a2c1d", "initech", "key.revoke", issued.key().id(),
                        "{\"name\": \"deploy\", \"role\": \"admin\"}"));
    }

    @Test
    void aRefusedKeyStoresNothingAndIsNotAudited() throws Exception {
        int before = keys.list().size();
        long audited = AuditRows.count(db);
        assertThatThrownBy(() -> keys.create(AuditLog.CLI, "acme'; DROP TABLE x; --", Role.ADMIN, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tenant id must be");
        assertThat(keys.list()).hasSize(before);
        assertThat(AuditRows.count(db)).isEqualTo(audited);
    }
}
