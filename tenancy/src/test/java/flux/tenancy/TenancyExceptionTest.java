package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TenancyExceptionTest {
    @Test
    void theReasonIsReadFromPostgresCode() {
        assertThat(new TenancyException("cannot withdraw extension citext", new SQLException("in use", "2BP01")).reason())
                .isEqualTo(TenancyException.Reason.IN_USE);
        assertThat(new TenancyException(new SQLException("refused", "08001")).reason())
                .isEqualTo(TenancyException.Reason.UNAVAILABLE);
        assertThat(new TenancyException(new SQLException("denied", "42501")).reason())
                .isEqualTo(TenancyException.Reason.FAILED);
        assertThat(new TenancyException(new SQLException("no state")).reason()).isEqualTo(TenancyException.Reason.FAILED);
    }

    @Test
    void provisioningKeepsPostgresMessageAsTheCliPrintedItAndTheLifecyclePrefixesWhatItDid() {
        SQLException denied = new SQLException("ERROR: permission denied to create role", "42501");
        assertThat(new TenancyException(denied)).hasMessage("ERROR: permission denied to create role").hasCause(denied);
        assertThat(new TenancyException(denied).sqlState()).isEqualTo("42501");
        assertThat(new TenancyException("cannot purge tenant acme", denied))
                .hasMessage("cannot purge tenant acme: ERROR: permission denied to create role");
    }
}
