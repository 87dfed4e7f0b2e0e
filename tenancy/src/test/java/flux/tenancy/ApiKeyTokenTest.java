package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {

    @Test
    void aNewTokenCarriesItsIdAndParsesBack() {
        String id = ApiKeyToken.newId();
        String token = ApiKeyToken.newToken(id);
        assertThat(token).startsWith("flux_" + id + "_").hasSize(5 + 8 + 1 + 43);
        assertThat(ApiKeyToken.idOf(token)).contains(id);
    }

    @Test
    void malformedTokensHaveNoId() {
        assertThat(ApiKeyToken.idOf(null)).isEmpty();
        assertThat(ApiKeyToken.idOf("")).isEmpty();
        assertThat(ApiKeyToken.idOf("flux_zzzzzzzz_" + "a".repeat(43))).isEmpty();
        assertThat(ApiKeyToken.idOf("flux_0123abcd_" + "a".repeat(42))).isEmpty();
        assertThat(ApiKeyToken.idOf("flux_0123abcd_" + "a".repeat(43) + "' OR 1=1 --")).isEmpty();
    }

    @Test
    void hashesDifferForTokensThatDifferInOneCharacter() {
        String token = ApiKeyToken.newToken("0123abcd");
        String other = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertThat(ApiKeyToken.hash(token)).hasSize(32).isNotEqualTo(ApiKeyToken.hash(other));
    }

    @Test
    void rolesIncludeTheWeakerOnesAndParseFromTheirLabels() {
        assertThat(Role.ADMIN.includes(Role.READ_WRITE)).isTrue();
        assertThat(Role.READ_WRITE.includes(Role.READ_ONLY)).isTrue();
        assertThat(Role.READ_ONLY.includes(Role.READ_WRITE)).isFalse();
        assertThat(Role.parse("read-write")).isEqualTo(Role.READ_WRITE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Role.parse("root"))
                .hasMessage("unknown role \"root\" (expected one of read-only, read-write, admin)");
    }
}
