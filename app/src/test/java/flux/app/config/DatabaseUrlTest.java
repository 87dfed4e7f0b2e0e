package flux.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void libpqUriBecomesAJdbcUrlWithCredentialsKeptApart() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s%40cret@db.internal:6432/orders?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/orders?sslmode=require");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("s@cret");
        assertThat(url.display()).isEqualTo("postgresql://app@db.internal:6432/orders?sslmode=require");
    }

    @Test
    void postgresSchemeWithoutPortOrDatabaseDefaultsToThePostgresDatabase() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://localhost");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/postgres");
        assertThat(url.user()).isNull();
    }

    @Test
    void jdbcUrlIsTakenAsItIsAndItsPasswordIsHiddenInTheDisplay() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=p");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=p");
        assertThat(url.display()).isEqualTo("postgresql://h:5432/db?user=u&password=***");
    }

    @Test
    void otherSchemesAndEmptyValuesAreRefusedWithAMessage() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://h/db")).hasMessageContaining("must start with postgresql://");
        assertThatThrownBy(() -> DatabaseUrl.parse(" ")).hasMessage("DATABASE_URL is empty");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessage("DATABASE_URL names no host");
    }
}
