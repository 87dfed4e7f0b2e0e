package flux.app.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A DATABASE_URL that cannot be read is refused without repeating it: it may hold a password. */
class DatabaseUrlSecretsTest {

    @Test
    void anInvalidUrlIsRefusedWithItsFaultButNotItsPassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:hunter 2@db.internal/orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DATABASE_URL is not a valid URI: Illegal character in authority at index 13"
                        + " (the URL is not shown, it may hold a password)")
                .hasMessageNotContaining("hunter");
    }

    @Test
    void aMalformedEscapeInThePasswordIsNotRepeatedEither() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://app:s%zzcret@db.internal/orders"))
                .hasMessageStartingWith("DATABASE_URL is not a valid URI: Malformed escape pair at index")
                .hasMessageNotContaining("cret");
    }
}
