package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a caller could learn from how long a key check takes: nothing about which ids exist. A
 * wrong secret, an unknown id and a revoked id all cost one cached lookup and one constant-time
 * comparison of two SHA-256-sized hashes.
 */
class ApiKeyConstantTimeTest {
    private final MemoryApiKeyRecords records = new MemoryApiKeyRecords();
    private final List<int[]> comparisons = new ArrayList<>();
    private final ApiKeyStore keys = new ApiKeyStore(records, Duration.ofMinutes(1), (stored, presented) -> {
        comparisons.add(new int[] {stored.length, presented.length});
        return MessageDigest.isEqual(stored, presented);
    });

    @Test
    void aWrongSecretAnUnknownIdAndARevokedIdEachCostOneFullLengthComparison() {
        IssuedKey known = keys.create("acme", Role.READ_WRITE, null);
        IssuedKey revoked = keys.create("acme", Role.READ_WRITE, null);
        keys.revoke(revoked.key().id());
        String wrongSecret = "flux_" + known.key().id() + "_" + "A".repeat(43);
        String unknownId = "flux_" + ("0".equals(known.key().id().substring(0, 1)) ? "1" : "0")
                + known.key().id().substring(1) + "_" + "A".repeat(43);
        for (String token : List.of(wrongSecret, unknownId, revoked.token())) {
            comparisons.clear();
            assertThat(keys.authenticate(token)).as(token).isEmpty();
            assertThat(comparisons).as(token).singleElement()
                    .satisfies(c -> assertThat(c).containsExactly(32, 32));
        }
    }

    @Test
    void anUnknownIdIsLookedUpOnceAndThenAnsweredFromTheCacheLikeAKnownOne() {
        String unknown = "flux_deadbeef_" + "A".repeat(43);
        keys.authenticate(unknown);
        keys.authenticate(unknown);
        assertThat(records.lookups).isEqualTo(1);
    }
}
