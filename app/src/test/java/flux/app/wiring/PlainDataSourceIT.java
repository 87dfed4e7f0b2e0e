package flux.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Micronaut Data is in the server, and the DataSource the engine and the rest inject is still the plain pool. */
@ExtendWith(FluxTestInfra.class)
class PlainDataSourceIT {

    @Test
    void theInjectedDataSourceIsThePoolItselfAndConnectsOutsideAnyTransaction(TestPostgres pg, TestKafka kafka)
            throws Exception {
        try (TestServer server = TestServer.start(pg.newDatabase("plain_pool"), kafka, Map.of())) {
            DataSource dataSource = server.context().getBean(DataSource.class);
            assertThat(dataSource).isInstanceOf(HikariDataSource.class);
            try (Connection c = dataSource.getConnection()) {
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }
}
