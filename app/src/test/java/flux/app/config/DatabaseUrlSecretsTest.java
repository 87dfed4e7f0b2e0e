package flux.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The credentials of a DATABASE_URL: read as libpq reads them, and never repeated when the URL
 * cannot be read (it may hold a password).
 */
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

    @Test
    void aPlusInTheUserOrPasswordIsAPlusAsForLibpq() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app+ci:s3+cr%2Bet%20x@db.internal/orders");
        assertThat(url.user()).isEqualTo("app+ci");
        assertThat(url.password()).isEqualTo("s3+cr+et x");
    }
}
