package flux.app.cli;

import flux.app.http.auth.AuthMode;
import flux.app.server.FluxServer;
import flux.app.server.ServeSettings;
import flux.app.server.StartupFailure;
import flux.dev.DevServiceException;
import flux.dev.Ports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
                "Run the Flux server: query API, capture and history over HTTP.",
                "With no DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS it starts an embedded PostgreSQL 18 and a",
                "single-node Kafka under the data directory; their data survives restarts."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "HTTP port (env FLUX_PORT, default ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLUX_PORT:-8080}")
    int port;

    @Option(names = "--host", description = "HTTP bind address (env FLUX_HOST, default ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLUX_HOST:-127.0.0.1}")
    String host;

    @Option(names = "--data-dir", description = "Embedded services' data (env FLUX_HOME, default ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLUX_HOME:-.flux}")
    Path dataDir;

    @Option(names = "--pg-port", description = "Embedded PostgreSQL port (env FLUX_PG_PORT, default ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLUX_PG_PORT:-54329}")
    int pgPort;

    @Option(names = "--kafka-port", description = "Embedded Kafka port; the controller uses the next one"
            + " (env FLUX_KAFKA_PORT, default ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLUX_KAFKA_PORT:-19092}")
    int kafkaPort;

    @Option(names = "--auth", description = "keys: every /v1 request needs an API key; open: none does"
            + " (env FLUX_AUTH; default open when HTTP binds loopback, keys otherwise).",
            defaultValue = "${env:FLUX_AUTH}")
    String auth;

    @Override
    public Integer call() {
        ServeSettings settings = new ServeSettings(port, dataDir, System.getenv("DATABASE_URL"),
                System.getenv("KAFKA_BOOTSTRAP_SERVERS"), pgPort, kafkaPort, kafkaPort + 1);
        try {
            Ports.requireFree(port, "HTTP");
        } catch (DevServiceException e) {
            throw StartupFailure.portInUse(port);
        }
        AuthMode authMode = authMode();
        FluxServer server = FluxServer.start(settings, host, authMode);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "flux-shutdown"));
        printSummary(server, settings, authMode);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private AuthMode authMode() {
        if (auth == null || auth.isBlank()) {
            return isLoopback(host) ? AuthMode.OPEN : AuthMode.KEYS;
        }
        try {
            return AuthMode.parse(auth.strip());
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Written in one piece: whoever waits for "flux is up" (a script, ServeIT) then has the rest too. */
    private void printSummary(FluxServer server, ServeSettings settings, AuthMode authMode) {
        java.io.StringWriter summary = new java.io.StringWriter();
        PrintWriter out = new PrintWriter(summary);
        var backends = server.backends();
        out.println("flux is up");
        out.printf("  http      %s%n", server.httpUrl());
        out.printf("  database  %s%s%n", backends.database().display(), backends.embeddedPostgres() != null
                ? "   (embedded PostgreSQL 18, data " + backends.embeddedPostgres().dataDir() + ")" : "");
        out.printf("  kafka     %s%s%n", backends.kafkaBootstrap(), backends.embeddedKafka() != null
                ? "   (embedded Kafka, data " + settings.dataDir().toAbsolutePath().normalize().resolve("kafka") + ")"
                : "");
        out.printf("  auth      %s%n", authMode == AuthMode.KEYS
                ? "API keys required (create one: flux keys create --tenant <id>)"
                : isLoopback(host) ? "open: no API key needed (HTTP bound to loopback only)"
                : "OPEN ON " + host + ": anyone who reaches this port has admin rights");
        out.println("Ctrl-C stops the server" + (backends.embeddedPostgres() != null || backends.embeddedKafka() != null
                ? " and the embedded services." : "."));
        out.flush();
        PrintWriter console = spec.commandLine().getOut();
        console.print(summary);
        console.flush();
    }
}
