package flux.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.cli.state.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux capture status}: the running server's capture figures (FLUX_URL), with the running
 * snapshots' progress for an admin key; exits 1 when capture FAILED. {@code snapshot},
 * {@code snapshots} and {@code cancel-snapshot}: docs/capture.md, "Snapshots".
 */
@Command(name = "capture",
        mixinStandardHelpOptions = true,
        description = "WAL capture to Kafka.",
        subcommands = {CaptureCommand.Status.class, CaptureSnapshotCommand.class, CaptureSnapshotsCommand.class,
                CaptureCancelSnapshotCommand.class})
public final class CaptureCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "State (and why, when it FAILED), last LSN, slot lag, events published and cross-check counts;"
                    + " exits 1 when capture FAILED.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            ServerClient client = server.client();
            JsonNode s = client.get("v1/capture/status");
            JsonNode running = CaptureSnapshotsCommand.running(client);
            PrintWriter out = spec.commandLine().getOut();
            if (server.json()) {
                if (running != null && s instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    o.set("snapshots", running);
                }
                out.println(s.toPrettyString());
                out.flush();
                return exitCode(s);
            }
            print(s, out);
            if (running != null) {
                running.forEach(snapshot -> out.printf("snapshot     %s%n", CaptureSnapshotsCommand.line(snapshot)));
            }
            out.flush();
            return exitCode(s);
        }

        /** 1 when capture FAILED (a permanent failure: it no longer retries), so scripts notice. */
        static int exitCode(JsonNode status) {
            return "FAILED".equals(status.path("state").asText()) ? ExitCodes.FAILED : ExitCodes.OK;
        }

        /**
         * A tenant's key is answered its own event count only: the server leaves the whole
         * pipeline's figures out (an operator's answer always has {@code events_published}), and
         * they print as {@link #HIDDEN}, never as 0 or as not known yet.
         */
        static void print(JsonNode s, PrintWriter out) {
            if (!s.has("events_published")) {
                printTenantView(s, out);
                return;
            }
            JsonNode cc = s.path("cross_check");
            JsonNode failure = s.path("failure");
            if (failure.isObject()) {
                out.printf("state        %s since %s%n", s.path("state").asText(), failure.path("at").asText());
                out.printf("reason       %s%n", failure.path("reason").asText());
            } else {
                out.printf("state        %s%n", s.path("state").asText());
            }
            out.printf("slot         %s (publication %s)%n", s.path("slot").asText(), s.path("publication").asText());
            out.printf("last lsn     %s%n", text(s, "last_lsn"));
            out.printf("slot lag     %s%n", s.hasNonNull("slot_lag_bytes") ? s.get("slot_lag_bytes").asLong() + " bytes" : "-");
            out.printf("published    %d events, %d rolled-back attempts, %d transactions%n",
                    s.path("events_published").asLong(), s.path("rolled_back_published").asLong(),
                    s.path("transactions").asLong());
            out.printf("cross-check  matched %d, untracked (source wal) %d, missing %d, mismatched %d, backfilled %d%n",
                    cc.path("matched").asLong(), cc.path("untracked").asLong(), cc.path("missing").asLong(),
                    cc.path("mismatched").asLong(), cc.path("backfilled").asLong());
            out.printf("schema       %d changes published%n", s.path("schema_changes_published").asLong());
            s.path("refused_tables").fields().forEachRemaining(e ->
                    out.printf("not captured %s: %s%n", e.getKey(), e.getValue().asText()));
            printTenants(s, out);
            JsonNode running = s.path("running_snapshot");
            if (running.isObject()) {
                out.printf("snapshotting %s (%s): %d rows emitted in %d chunks, %d in flight, read up to %s%n",
                        running.path("table").asText(), running.path("id").asText(),
                        running.path("rows_emitted").asLong(), running.path("chunks_published").asLong(),
                        running.path("chunks_in_flight").asInt(),
                        running.hasNonNull("read_up_to") ? running.get("read_up_to").toString() : "-");
            }
            out.printf("kafka        %d retries%n", s.path("kafka_retries").asLong());
            out.printf("restarts     %d%n", s.path("restarts").asLong());
            // After a failure the reason above is the last error: not twice.
            if (s.hasNonNull("last_error") && !failure.isObject()) {
                out.printf("last error   %s%n", s.get("last_error").asText());
            }
        }

        /** What a figure the server did not show this key prints as. */
        static final String HIDDEN = "hidden (the whole server's; this key sees its tenant's events only)";

        private static void printTenantView(JsonNode s, PrintWriter out) {
            out.printf("state        %s%n", s.path("state").asText());
            out.printf("slot         %s (publication %s)%n", s.path("slot").asText(), s.path("publication").asText());
            for (String figure : new String[] {"last lsn", "slot lag", "published", "cross-check", "schema", "kafka",
                    "restarts"}) {
                out.printf("%-12s %s%n", figure, HIDDEN);
            }
            printTenants(s, out);
        }

        private static void printTenants(JsonNode s, PrintWriter out) {
            if (!s.path("events_by_tenant").isEmpty()) {
                StringBuilder tenants = new StringBuilder();
                s.get("events_by_tenant").fields().forEachRemaining(e -> tenants.append(tenants.length() == 0 ? "" : ", ")
                        .append(e.getKey()).append(' ').append(e.getValue().asLong()));
                out.printf("tenants      %s%n", tenants);
            }
        }

        private static String text(JsonNode node, String field) {
            return node.hasNonNull(field) ? node.get(field).asText() : "-";
        }
    }
}
