package flux.app.http;

import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.FluxSchema;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** A Micronaut server on a random port over a fresh test database, and a java.net.http client for it. */
final class FluxHttp implements AutoCloseable {
    final TestPostgres db;
    final ApplicationContext context;
    final EmbeddedServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FluxHttp(TestPostgres pg, TestKafka kafka, String name, String ddl) {
        db = pg.newDatabase(name);
        context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(Map.of(
                        "micronaut.server.port", -1,
                        "micronaut.server.host", "127.0.0.1",
                        "flux.database.jdbc-url", db.jdbcUrl(),
                        "flux.database.username", db.user(),
                        "flux.database.password", db.password(),
                        "flux.database.pool-size", 70,
                        "flux.auth.mode", "open",
                        "flux.capture.enabled", false,
                        "flux.query.max-limit", 500,
                        "flux.kafka.bootstrap-servers", kafka.bootstrapServers()))
                .start();
        try {
            FluxSchema.install(context.getBean(DataSource.class));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        sql(ddl);
        server = context.getBean(EmbeddedServer.class).start();
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    void sql(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<List<String>> rows(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    @Override
    public void close() {
        context.close();
    }
}
