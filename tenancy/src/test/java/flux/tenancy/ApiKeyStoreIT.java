package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class ApiKeyStoreIT {
    private final TestPostgres db;
    private final ApiKeyStore keys;

    ApiKeyStoreIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("api_keys");
        DataSource ds = db.dataSource();
        TenancyDatabase.install(ds);
        keys = new ApiKeyStore(ds);
    }

    @Test
    void anIssuedKeyAuthenticatesAsItsTenantAndRoleAndOnlyItsHashIsStored() throws Exception {
        IssuedKey issued = keys.create("acme", Role.READ_WRITE, "ci");
        assertThat(keys.authenticate(issued.token()))
                .contains(new Principal(issued.key().id(), "acme", Role.READ_WRITE));
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM flux.api_keys")) {
            rs.next();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertThat(String.valueOf(rs.getObject(i))).doesNotContain(issued.token().substring(14));
            }
        }
    }

    @Test
    void aWrongSecretForARealIdDoesNotAuthenticate() throws Exception {
        IssuedKey issued = keys.create("acme", Role.ADMIN, null);
        String forged = "flux_" + issued.key().id() + "_" + "A".repeat(43);
        assertThat(keys.authenticate(forged)).isEmpty();
        assertThat(keys.authenticate("Bearer " + issued.token())).isEmpty();
        assertThat(keys.authenticate(issued.token())).isPresent();
    }

    @Test
    void aRevokedKeyStopsAuthenticatingAndListsAsRevoked() throws Exception {
        IssuedKey issued = keys.create("globex", Role.READ_ONLY, "old");
        assertThat(keys.authenticate(issued.token())).isPresent();
        assertThat(keys.revoke(issued.key().id())).hasValueSatisfying(k -> assertThat(k.revoked()).isTrue());
        assertThat(keys.authenticate(issued.token())).isEmpty();
        assertThat(keys.list()).filteredOn(k -> k.id().equals(issued.key().id()))
                .singleElement().satisfies(k -> assertThat(k.revokedAt()).isNotNull());
        assertThat(keys.revoke("00000000")).isEmpty();
    }

    @Test
    void tenantIdsAreValidatedBeforeAnythingIsStored() throws Exception {
        int before = keys.list().size();
        assertThatThrownBy(() -> keys.create("acme'; DROP TABLE x; --", Role.ADMIN, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tenant id must be");
        assertThatThrownBy(() -> keys.create("", Role.ADMIN, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(keys.list()).hasSize(before);
    }
}
