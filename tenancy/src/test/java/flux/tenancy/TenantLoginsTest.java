package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantLoginsTest {

    @Test
    void aLoginRoleCanNeverBeAnotherTenantsRuntimeRole() {
        assertThat(TenantLogins.roleOf("Big-Co")).isEqualTo("tl_big_co");
        // tenant "x_app"'s runtime role is t_x_app; no login is named t_..., whatever the id
        assertThat(TenantLogins.roleOf("x")).doesNotStartWith("t_");
        assertThat(TenantLogins.roleOf("x" + "y".repeat(TenantSchemas.MAX_SCHEMA_TENANT_ID - 1))).hasSizeLessThan(64);
        assertThatThrownBy(() -> TenantLogins.roleOf("acme\"; DROP ROLE postgres; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConnectionStringSetsTheSearchPathAndCarriesThePasswordOnlyWhenGiven() {
        assertThat(TenantLogins.connectionString("acme", "db.example.com:5432", "flux", "s3cret-_x"))
                .isEqualTo("postgresql://tl_acme:s3cret-_x@db.example.com:5432/flux"
                        + "?options=-c%20search_path%3Dt_acme_api%2Cflux_extensions");
        assertThat(TenantLogins.connectionString("acme", "h:1", "my db", null)) // a path: %20, not a form's +
                .isEqualTo("postgresql://tl_acme@h:1/my%20db?options=-c%20search_path%3Dt_acme_api%2Cflux_extensions");
    }
}
