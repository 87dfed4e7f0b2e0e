package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the key store decides itself (storage is the port's: ApiKeyRepositoryIT in app). */
class ApiKeyStoreTest {
    private final MemoryApiKeyRecords records = new MemoryApiKeyRecords();
    private final ApiKeyStore keys = new ApiKeyStore(records, Duration.ofMinutes(1));

    @Test
    void anIssuedKeyAuthenticatesAsItsTenantAndRoleAndOnlyItsHashIsStored() {
        IssuedKey issued = keys.create("acme", Role.READ_WRITE, "ci");
        assertThat(keys.authenticate(issued.token()))
                .contains(new Principal(issued.key().id(), "acme", Role.READ_WRITE));
        assertThat(records.find(issued.key().id()).orElseThrow().secretHash()).isEqualTo(ApiKeyToken.hash(issued.token()));
    }

    @Test
    void aWrongSecretForARealIdDoesNotAuthenticate() {
        IssuedKey issued = keys.create("acme", Role.ADMIN, null);
        assertThat(keys.authenticate("flux_" + issued.key().id() + "_" + "A".repeat(43))).isEmpty();
        assertThat(keys.authenticate("Bearer " + issued.token())).isEmpty();
        assertThat(keys.authenticate(issued.token())).isPresent();
    }

    @Test
    void aKeyIsLookedUpOnceWithinTheCacheTimeWrongSecretsIncluded() {
        IssuedKey issued = keys.create("acme", Role.READ_ONLY, null);
        keys.authenticate(issued.token());
        keys.authenticate(issued.token());
        keys.authenticate("flux_" + issued.key().id() + "_" + "A".repeat(43));
        assertThat(records.lookups).isEqualTo(1);
    }

    @Test
    void aRevocationHereTakesEffectAtOnceDespiteTheCache() {
        IssuedKey issued = keys.create("globex", Role.READ_ONLY, "old");
        assertThat(keys.authenticate(issued.token())).isPresent();
        assertThat(keys.revoke(issued.key().id())).hasValueSatisfying(k -> assertThat(k.revoked()).isTrue());
        assertThat(keys.authenticate(issued.token())).isEmpty();
        assertThat(keys.revoke("00000000")).isEmpty();
    }

    @Test
    void aTakenIdIsDrawnAgain() {
        records.taken.add("any");
        records.taken.add("any");
        IssuedKey issued = keys.create("acme", Role.READ_ONLY, null);
        assertThat(keys.list()).extracting(ApiKey::id).containsExactly(issued.key().id());
    }

    @Test
    void tenantIdsAreValidatedBeforeAnythingIsStored() {
        assertThatThrownBy(() -> keys.create("acme'; DROP TABLE x; --", Role.ADMIN, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tenant id must be");
        assertThatThrownBy(() -> keys.create("", Role.ADMIN, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(keys.list()).isEmpty();
    }
}
