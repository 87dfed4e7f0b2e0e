package flux.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import flux.app.config.DatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so its wiring is checked by reading
 * it: the services, Postgres's logical WAL, and the app's variables pointing at the services.
 */
class DockerComposeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private final JsonNode compose = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        } catch (Exception e) {
            throw new AssertionError("docker-compose.yml does not parse", e);
        }
    }

    @Test
    void declaresPostgresKafkaAndTheAppBuiltFromTheDockerfile() {
        assertThat(names(compose.get("services"))).containsExactlyInAnyOrder("postgres", "kafka", "app");
        assertThat(compose.at("/services/app/build").asText()).isEqualTo(".");
        assertThat(ROOT.resolve("Dockerfile")).exists();
    }

    @Test
    void postgresRunsWithLogicalWalAndDurableCommits() {
        String command = String.join(" ", texts(compose.at("/services/postgres/command")));
        assertThat(command).contains("wal_level=logical").contains("fsync=on").contains("synchronous_commit=on");
        assertThat(compose.at("/services/postgres/image").asText()).startsWith("postgres:");
    }

    @Test
    void kafkaIsASingleKraftNodeWithAListenerForOtherContainers() {
        JsonNode env = compose.at("/services/kafka/environment");
        assertThat(env.get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS").asText()).contains("PLAINTEXT://kafka:9092");
    }

    @Test
    void theAppReadsTheSameVariablesAsFluxServeAndPointsAtTheServices() {
        JsonNode env = compose.at("/services/app/environment");
        DatabaseUrl db = DatabaseUrl.parse(env.get("DATABASE_URL").asText());
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://postgres:5432/"
                + compose.at("/services/postgres/environment/POSTGRES_DB").asText());
        assertThat(db.user()).isEqualTo(compose.at("/services/postgres/environment/POSTGRES_USER").asText());
        assertThat(db.password()).isEqualTo(compose.at("/services/postgres/environment/POSTGRES_PASSWORD").asText());
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        assertThat(env.get("FLUX_HOST").asText()).isEqualTo("0.0.0.0");
        assertThat(texts(compose.at("/services/app/ports"))).contains(env.get("FLUX_PORT").asText() + ":8080");
        assertThat(names(compose.at("/services/app/depends_on"))).containsExactlyInAnyOrder("postgres", "kafka");
    }

    @Test
    void theDockerfileBuildsTheSameJarAndRunsServe() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("./mvnw").contains("app/target/flux.jar")
                .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/flux.jar\"]").contains("CMD [\"serve\"]");
    }

    @Test
    void theDockerfileCopiesEveryModuleOfTheBuild() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> missing = new ArrayList<>();
        while (module.find()) {
            String m = module.group(1);
            // A module the image does not build needs only its pom: Maven reads every module of the reactor.
            if (!dockerfile.contains("COPY " + m + " " + m + "\n") && !dockerfile.contains("COPY " + m + "/pom.xml " + m + "/pom.xml\n")) {
                missing.add(m);
            }
        }
        assertThat(missing).as("modules the image's build would not find").isEmpty();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
