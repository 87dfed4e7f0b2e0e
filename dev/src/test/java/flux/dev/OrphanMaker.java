package flux.dev;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for {@code flux serve} that tests kill with -9: {@code OrphanMaker <postgres|kafka>
 * <home> [port]} holds {@code <home>} as a {@link FluxHome}, starts the service under it, prints
 * {@code READY <pid of the service>} and waits. Its postgres outlives it as an orphan; its Kafka
 * child should not.
 */
public final class OrphanMaker {
    private OrphanMaker() {
    }

    /** The JVM running OrphanMaker, and the pid of the service it started. */
    public record Owner(Process jvm, long servicePid) {
        /** kill -9: nothing of the JVM runs any more, its children are left to themselves. */
        public void kill9() throws InterruptedException {
            jvm.destroyForcibly().waitFor();
        }
    }

    /** Runs OrphanMaker with {@code args} in a JVM of its own; returns once its service is up. */
    public static Owner spawn(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), OrphanMaker.class.getName()));
        command.addAll(List.of(args));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("READY ")) {
                    return new Owner(jvm, Long.parseLong(line.substring("READY ".length())));
                }
            }
        }
        throw new AssertionError("OrphanMaker " + String.join(" ", args) + " ended before its service was up (exit "
                + jvm.waitFor() + ")");
    }

    public static void main(String[] args) throws Exception {
        FluxHome home = FluxHome.acquire(Path.of(args[1])); // held until this JVM dies, as flux serve holds .flux
        long pid = switch (args[0]) {
            case "postgres" -> {
                LocalPostgres pg = LocalPostgres.start(home.postgresDir(), Integer.parseInt(args[2]));
                yield Processes.readPid(pg.dataDir().resolve("postmaster.pid")).orElseThrow();
            }
            case "kafka" -> LocalKafka.start(home.kafkaDir(), Ports.findFree(), Ports.findFree()).pid();
            default -> throw new IllegalArgumentException("unknown service " + args[0]);
        };
        System.out.println("READY " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
