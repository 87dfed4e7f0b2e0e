package flux.bench.crash;

import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The crash-consistency run (issue 19): a PostgreSQL and a Kafka of its own, the packaged
 * {@code flux serve} in a process of its own against them, and for each fault in turn (the
 * Flux server, PostgreSQL's postmaster, the Kafka broker) sustained writes from many clients
 * while that process is killed with SIGKILL and started again; after each fault, once the server
 * takes writes again, every attempt so far is checked ({@link Verifier}).
 */
final class CrashRun {
    /** What a run is asked to do. */
    record Settings(Path jar, Path dir, int clients, Duration perFault, List<Fault> faults, long seed, int historyChecks,
                    Duration kafkaWait) {
    }

    enum Fault {
        FLUX("flux serve"), POSTGRES("PostgreSQL postmaster"), KAFKA("Kafka broker");

        final String label;

        Fault(String label) {
            this.label = label;
        }
    }

    /** One fault's figures and the verification that followed it. */
    record FaultResult(Fault fault, int processesKilled, long requests, long acknowledged, long failedWhileDown,
                       double downSeconds, double recoveredSeconds, Verdict verdict) {
    }

    private static final Duration START = Duration.ofSeconds(180);

    private final Settings settings;
    private final PrintWriter progress;
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final int pgPort = Ports.findFree();
    private final int kafkaPort = Ports.findFreePair();
    private final int httpPort = Ports.findFree();
    private LocalPostgres postgres;
    private LocalKafka kafka;
    private FluxServeProcess flux;

    CrashRun(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    List<FaultResult> run() throws Exception {
        List<FaultResult> results = new ArrayList<>();
        try {
            postgres = LocalPostgres.start(settings.dir().resolve("pg"), pgPort);
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + Verifier.TABLE
                        + " (id bigint PRIMARY KEY, client int NOT NULL, seq int NOT NULL, note text NOT NULL)");
            }
            kafka = startKafka();
            flux = startFlux();
            // No wait for capture: `flux serve` prints "flux is up" only once capture's slot and publication exist,
            // so the first acknowledged write is on Kafka too (docs/capture.md, "Start-up").
            Verifier verifier = new Verifier(postgres.jdbcUrl(), url(), kafka.bootstrapServers());
            int index = 0;
            for (Fault fault : settings.faults()) {
                results.add(inject(fault, index++, verifier));
            }
            return results;
        } finally {
            stopAll();
        }
    }

    private FaultResult inject(Fault fault, int index, Verifier verifier) throws Exception {
        long half = settings.perFault().toMillis() / 2;
        int before = attempts.size();
        // A restarted server counts from 0; PostgreSQL and Kafka faults keep the server and its counts.
        long missingBefore = fault == Fault.FLUX ? 0 : verifier.crossCheckMissing();
        Workload load = new Workload(url(), settings.clients(), index * settings.clients(), settings.seed() + index, attempts);
        long down;
        long recovered;
        int killed;
        try {
            load.phase(fault.name().toLowerCase(Locale.ROOT) + ": before");
            load.start();
            Thread.sleep(half);
            load.phase(fault.name().toLowerCase(Locale.ROOT) + ": down");
            long killedAt = System.nanoTime();
            killed = kill(fault);
            progress.printf("%s: killed %d process(es) with SIGKILL; starting again%n", fault.label, killed);
            progress.flush();
            restart(fault);
            down = System.nanoTime() - killedAt;
            load.phase(fault.name().toLowerCase(Locale.ROOT) + ": after");
            recovered = awaitAcknowledgedAfter(fault, killedAt);
            Thread.sleep(half);
        } finally {
            load.close();
        }
        List<Attempt> mine = new ArrayList<>(attempts).subList(before, attempts.size());
        long acknowledged = mine.stream().filter(a -> a.outcome() == Attempt.Outcome.ACKNOWLEDGED).count();
        long failedWhileDown = mine.stream().filter(a -> a.phase().endsWith(": down")
                && a.outcome() != Attempt.Outcome.ACKNOWLEDGED).count();
        progress.printf("%s: %,d requests (%,d acknowledged, %,d failed while it was down); verifying every write so far%n",
                fault.label, mine.size(), acknowledged, failedWhileDown);
        progress.flush();
        // A rise in the cross-check's "missing" during any fault is a violation.
        Verdict verdict = verifier.verify(new ArrayList<>(attempts), settings.kafkaWait(), settings.historyChecks(),
                missingBefore);
        return new FaultResult(fault, killed, mine.size(), acknowledged, failedWhileDown, down / 1e9,
                (recovered) / 1e9, verdict);
    }

    private int kill(Fault fault) throws Exception {
        switch (fault) {
            case FLUX:
                flux.kill9();
                return 1;
            case POSTGRES:
                return Kill.postmaster(postgres.dataDir());
            default:
                Kill.process(kafka.pid(), "Kafka broker");
                return 1;
        }
    }

    private void restart(Fault fault) throws Exception {
        switch (fault) {
            case FLUX:
                flux = startFlux();
                break;
            case POSTGRES:
                // Closing the killed instance releases zonky's lock on the data directory (its pg_ctl stop
                // fails, and zonky logs that as an error); a new instance runs crash recovery on the same data.
                postgres.close();
                postgres = LocalPostgres.start(settings.dir().resolve("pg"), pgPort);
                break;
            default:
                kafka.close(); // the dead broker's pid file goes; the new one recovers the same log directory
                kafka = startKafka();
                break;
        }
    }

    /** Nanoseconds from the kill to the first write acknowledged after it; the server takes writes again. */
    private long awaitAcknowledgedAfter(Fault fault, long killedAt) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        String after = fault.name().toLowerCase(Locale.ROOT) + ": after";
        while (System.nanoTime() < deadline) {
            for (Attempt a : attempts) {
                if (a.phase().equals(after) && a.outcome() == Attempt.Outcome.ACKNOWLEDGED) {
                    return System.nanoTime() - killedAt;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no write was acknowledged within " + START + " after the " + fault.label
                + " came back; see " + flux.log());
    }

    private LocalKafka startKafka() {
        return LocalKafka.start(settings.dir().resolve("kafka"), kafkaPort, kafkaPort + 1);
    }

    private FluxServeProcess startFlux() throws Exception {
        String databaseUrl = "postgresql://" + LocalPostgres.USER + ":postgres@127.0.0.1:" + pgPort + "/" + LocalPostgres.DATABASE;
        return FluxServeProcess.start(settings.jar(), settings.dir().resolve("flux"), httpPort, databaseUrl,
                kafka.bootstrapServers(), START);
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    private void stopAll() throws InterruptedException {
        if (flux != null) {
            flux.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
