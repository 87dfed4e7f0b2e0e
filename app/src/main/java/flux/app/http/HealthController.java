package flux.app.http;

import flux.app.capture.CaptureHealth;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code GET /health}: each backend up or down, 200 when all are up, 503 otherwise.
 * The checks run side by side with short timeouts, so a dead backend answers in ~3 s.
 * Capture is listed once it runs, DOWN when it failed for good ({@link CaptureHealth}).
 */
@Controller("/health")
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthController {
    private final DataSource dataSource;
    private final Admin kafka;
    private final CaptureHealth capture;

    HealthController(DataSource dataSource, Admin kafka, CaptureHealth capture) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.capture = capture;
    }

    @Get
    HttpResponse<Map<String, Object>> health() {
        CompletableFuture<Map<String, Object>> database = CompletableFuture.supplyAsync(this::database);
        Map<String, Object> broker = kafka();
        Map<String, Object> db = database.join();
        Optional<Map<String, Object>> captured = capture.component();
        boolean up = "UP".equals(db.get("status")) && "UP".equals(broker.get("status"))
                && captured.map(c -> "UP".equals(c.get("status"))).orElse(true);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("database", db);
        components.put("kafka", broker);
        captured.ifPresent(c -> components.put("capture", c));
        body.put("components", components);
        return HttpResponse.<Map<String, Object>>status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    private Map<String, Object> database() {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(2)) {
                return component("UP", "version", c.getMetaData().getDatabaseProductVersion());
            }
            return down("connection is not valid");
        } catch (Exception e) {
            return down(e.getMessage());
        }
    }

    private Map<String, Object> kafka() {
        try {
            String clusterId = kafka.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
            return component("UP", "cluster_id", clusterId);
        } catch (java.util.concurrent.TimeoutException e) {
            return down("no answer within 3 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        } catch (Exception e) {
            return down(e.getCause() != null ? e.getCause().getMessage() : e.getClass().getSimpleName());
        }
    }

    private static Map<String, Object> down(String error) {
        return component("DOWN", "error", error == null ? "unknown" : error);
    }

    private static Map<String, Object> component(String status, String key, Object value) {
        Map<String, Object> c = new LinkedHashMap<>(); // status first, for people reading it
        c.put("status", status);
        c.put(key, value);
        return c;
    }
}
