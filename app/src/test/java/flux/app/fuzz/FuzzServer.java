package flux.app.fuzz;

import flux.app.TestServer;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the fuzz properties run against, one per property class: a Flux HTTP server (capture on,
 * open mode) in this JVM over a PostgreSQL and a Kafka of its own, with a few tables of varied
 * column types and rows written through the API. jqwik classes cannot take the JUnit extension's
 * shared services, and owning these keeps the fuzz's writes out of other classes' databases.
 */
final class FuzzServer implements AutoCloseable {
    /** Tables of the fixture; the generators know their columns (and some they do not have). */
    static final String DDL = """
            CREATE TYPE mood AS ENUM ('ok', 'sad');
            CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, plan text NOT NULL DEFAULT 'free',
                score numeric(10,2) CHECK (score >= 0), active boolean, created timestamptz DEFAULT now(),
                tags text[], meta jsonb, uid uuid, mood mood);
            CREATE TABLE orders (user_id bigint REFERENCES users (id), n int, total numeric, day date,
                PRIMARY KEY (user_id, n));
            CREATE TABLE notes (id bigserial PRIMARY KEY, body varchar(20), data bytea);
            """;
    static final String SEED = """
            {"queries": [
              {"table": "users", "operation": "insert", "data": [
                {"id": 1, "email": "a@b.com", "plan": "free", "score": 1.5, "tags": ["x"], "meta": {"k": 1}},
                {"id": 2, "email": "c@d.com", "plan": "pro", "active": true, "mood": "ok"}]},
              {"table": "orders", "operation": "insert", "data": {"user_id": 1, "n": 1, "total": 9.90, "day": "2026-03-10"}},
              {"table": "notes", "operation": "insert", "data": {"body": "hello", "data": "aGk="}},
              {"table": "users", "operation": "update", "data": {"plan": "team"},
               "filters": [{"column": "id", "op": "eq", "value": 2}]}]}""";

    private final Path dir;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;
    private final TestPostgres db;
    private final TestServer server;

    private FuzzServer(Path dir, LocalPostgres postgres, LocalKafka kafka, TestPostgres db, TestServer server) {
        this.dir = dir;
        this.postgres = postgres;
        this.kafka = kafka;
        this.db = db;
        this.server = server;
    }

    static FuzzServer start(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target/flux-test")).resolve("fuzz-" + name);
        LocalKafka.stopOrphan(dir.resolve("kafka")); // what a killed run left, by the pids recorded there
        LocalPostgres.stopOrphan(dir.resolve("pg"));
        deleteTree(dir);
        LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), Ports.findFree());
        LocalKafka kafka = null;
        TestServer server = null;
        try {
            kafka = LocalKafka.start(dir.resolve("kafka"), Ports.findFree(), Ports.findFree());
            TestPostgres db = TestPostgres.of(postgres);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute(DDL);
            }
            server = TestServer.start(db, new TestKafka(kafka.bootstrapServers()), Map.of(
                    "flux.capture.enabled", true, "flux.database.pool-size", 8));
            HttpResponse<String> seeded = server.post("/v1/transaction", SEED, "X-Request-Id", "fuzz-seed");
            if (seeded.statusCode() != 200) {
                throw new IllegalStateException("seeding the fuzz tables failed: " + seeded.body());
            }
            return new FuzzServer(dir, postgres, kafka, db, server);
        } catch (Exception | Error e) {
            if (server != null) {
                server.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            postgres.close();
            throw e;
        }
    }

    int port() {
        return Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1));
    }

    String url() {
        return server.url();
    }

    TestPostgres database() {
        return db;
    }

    Connection connect() throws SQLException {
        return db.connect();
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            try {
                kafka.close();
            } finally {
                postgres.close();
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
