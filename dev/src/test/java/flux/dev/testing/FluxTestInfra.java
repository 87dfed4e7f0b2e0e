package flux.dev.testing;

import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One PostgreSQL with logical replication and one Kafka broker per test JVM, shared by
 * every test class that uses this extension. Testcontainers when a Docker engine answers
 * (or {@code FLUX_TEST_INFRA=containers}); otherwise the embedded Postgres and Kafka that
 * {@code flux serve} uses ({@code FLUX_TEST_INFRA=embedded} forces that). Either way the
 * tests talk to real servers. Services start lazily, on the first parameter that needs one,
 * and stop when the JVM's root extension store closes. Embedded ones live in this JVM's
 * {@link TestRun} directory; a run that was killed leaves nothing running for long (Kafka stops
 * with its parent JVM, the next run stops a leftover postgres by its pid). The databases a test
 * class makes ({@link TestPostgres#newDatabase}) are dropped when the class is done.
 *
 * <pre>{@code
 * @ExtendWith(FluxTestInfra.class)
 * class FooIT {
 *     FooIT(TestPostgres pg) { this.db = pg.newDatabase("foo"); }
 * }
 * }</pre>
 */
public final class FluxTestInfra implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(FluxTestInfra.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FluxTestInfra.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestPostgres.class || type == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        Class<?> type = parameter.getParameter().getType();
        if (type == TestPostgres.class) {
            TestPostgres server = store.getOrComputeIfAbsent("postgres", k -> startPostgres(store), Postgres.class).handle;
            // Databases made through this handle are dropped when the class (or method) asking for it is done.
            TestDatabases scope = context.getStore(NAMESPACE).getOrComputeIfAbsent("databases",
                    k -> new TestDatabases(server.host(), server.port(), server.user(), server.password(),
                            server.database()), TestDatabases.class);
            return server.in(scope);
        }
        if (type == TestKafka.class) {
            return store.getOrComputeIfAbsent("kafka", k -> startKafka(store), Kafka.class).handle;
        }
        throw new ParameterResolutionException("unsupported parameter " + type);
    }

    private static boolean useContainers() {
        String mode = System.getenv().getOrDefault("FLUX_TEST_INFRA", "auto");
        if (mode.equals("embedded")) {
            return false;
        }
        if (mode.equals("containers")) {
            return true;
        }
        // Probing Docker without a socket or DOCKER_HOST only costs time here.
        boolean maybeDocker = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        return maybeDocker && DockerClientFactory.instance().isDockerAvailable();
    }

    /** This JVM's scratch directory, begun (and earlier runs' leftovers stopped) on first use. */
    private static TestRun run(ExtensionContext.Store store) {
        return store.getOrComputeIfAbsent("run",
                k -> TestRun.begin(Path.of(System.getProperty("flux.test.dir", "target/flux-test"))), TestRun.class);
    }

    private static Postgres startPostgres(ExtensionContext.Store store) {
        if (useContainers()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse("postgres:18"))
                    .withCommand("postgres", "-c", "wal_level=logical", "-c", "fsync=on",
                            "-c", "synchronous_commit=on", "-c", "max_replication_slots=16",
                            "-c", "max_wal_senders=16");
            container.start();
            log.info("test PostgreSQL from Testcontainers at {}", container.getJdbcUrl());
            return new Postgres(new TestPostgres(container.getHost(), container.getFirstMappedPort(),
                    container.getUsername(), container.getPassword(), container.getDatabaseName(), null), container::stop);
        }
        LocalPostgres pg = LocalPostgres.start(run(store).postgresDir(), Ports.findFree());
        log.info("test PostgreSQL embedded at {}", pg.jdbcUrl());
        return new Postgres(TestPostgres.of(pg), pg::close);
    }

    private static Kafka startKafka(ExtensionContext.Store store) {
        if (useContainers()) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"));
            container.start();
            return new Kafka(new TestKafka(container.getBootstrapServers()), container::stop);
        }
        LocalKafka kafka = LocalKafka.start(run(store).kafkaDir(), Ports.findFree(), Ports.findFree());
        return new Kafka(new TestKafka(kafka.bootstrapServers()), kafka::close);
    }

    private record Postgres(TestPostgres handle, Runnable stop)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }

    private record Kafka(TestKafka handle, Runnable stop)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }
}
