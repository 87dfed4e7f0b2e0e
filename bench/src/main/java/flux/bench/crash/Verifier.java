package flux.bench.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Checks every recorded attempt against the four places a write must be, once the server is
 * back: the table, the mutation log ({@code flux.state_mutations}, by request id), history
 * ({@code GET /v1/requests/{id}}) and Kafka (the table's topic read from the start, deduplicated on
 * the documented key {@code (lsn, table, row_id)}); then capture's own cross-check (0 missing).
 *
 * <p>The promises: a write answered 200 is in all four, exactly once; a write never sent is in
 * none; any other write (an error answer, or an answer lost to the crash) is wholly in all four
 * or wholly absent; nothing else writes the table.
 */
final class Verifier {
    static final String TABLE = "crash_rows";
    static final String TOPIC = "flux.public." + TABLE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDS = "SELECT request_id, row_id, operation, status, source, (new ->> 'seq')::int"
            + " FROM flux.state_mutations WHERE table_schema = 'public' AND table_name = ?";
    private static final String ROWS = "SELECT id, seq, note FROM " + TABLE;

    private final String jdbcUrl;
    private final String fluxUrl;
    private final String kafka;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Verifier(String jdbcUrl, String fluxUrl, String kafka) {
        this.jdbcUrl = jdbcUrl;
        this.fluxUrl = fluxUrl;
        this.kafka = kafka;
    }

    /** A committed (or rolled-back) mutation record of the table. */
    private record Logged(String requestId, String rowId, String operation, String status, String source, Integer seq) {
    }

    /** What one write must leave: a row and its operation. */
    private record Change(String rowId, String operation) {
    }

    /**
     * Checks every attempt. {@code missingBefore} is the server's cross-check {@code missing} count when
     * the fault began (its counters start at 0 with each server process); a rise is a violation.
     */
    Verdict verify(Collection<Attempt> attempts, Duration kafkaWait, int historyChecks, long missingBefore)
            throws Exception {
        Verdict v = new Verdict();
        Map<String, List<Logged>> committed = new HashMap<>();
        Map<String, List<Logged>> rolledBack = new HashMap<>();
        List<Logged> all = records();
        for (Logged r : all) {
            if (!r.source().equals("api")) {
                v.violation("a change capture could not pair (source " + r.source() + ")", r.toString());
            }
            (r.status().equals("committed") ? committed : rolledBack).computeIfAbsent(r.requestId(), k -> new ArrayList<>()).add(r);
        }
        Set<String> known = new HashSet<>();
        List<Attempt> present = new ArrayList<>();
        List<Attempt> absent = new ArrayList<>();
        for (Attempt a : attempts) {
            known.add(a.requestId());
            v.count("requests " + a.outcome().name().toLowerCase().replace('_', ' '));
            List<Change> expected = a.rows().stream().map(r -> new Change(Long.toString(r.id()), r.operation())).toList();
            List<Change> found = committed.getOrDefault(a.requestId(), List.of()).stream()
                    .map(r -> new Change(r.rowId(), r.operation())).toList();
            boolean whole = new HashSet<>(found).equals(new HashSet<>(expected)) && found.size() == expected.size();
            if (!found.isEmpty() && !whole) {
                v.violation("half-written request", a + " has committed records " + found);
            } else if (a.outcome() == Attempt.Outcome.ACKNOWLEDGED && !whole) {
                v.violation("acknowledged write missing from the log", a.toString());
            } else if (a.outcome() == Attempt.Outcome.NOT_SENT && whole) {
                v.violation("a request never sent was written", a.toString());
            }
            if (whole && rolledBack.containsKey(a.requestId())) {
                v.violation("committed and also recorded as rolled back", a.requestId());
            }
            if (whole) {
                present.add(a);
                if (a.outcome() != Attempt.Outcome.ACKNOWLEDGED) {
                    v.count("  of which unacknowledged but wholly present (" + a.outcome().name().toLowerCase() + ")");
                }
            } else {
                absent.add(a);
                if (a.outcome() == Attempt.Outcome.LOST || a.outcome() == Attempt.Outcome.ERROR) {
                    v.count("  of which unacknowledged and wholly absent (" + a.outcome().name().toLowerCase() + ")");
                }
            }
        }
        committed.keySet().stream().filter(id -> !known.contains(id))
                .forEach(id -> v.violation("records of a request nobody sent", id));
        checkTable(v, committed.values());
        checkHistory(v, present, absent, historyChecks);
        checkKafka(v, committed.values(), kafkaWait);
        checkCaptureStatus(v, missingBefore);
        return v;
    }

    private List<Logged> records() throws SQLException {
        List<Logged> records = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(RECORDS)) {
            st.setString(1, TABLE);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(new Logged(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), (Integer) rs.getObject(6)));
                }
            }
        }
        return records;
    }

    /** Each row holds what its last committed write (the highest seq; one client writes it, in order) set. */
    private void checkTable(Verdict v, Collection<List<Logged>> committed) throws SQLException {
        Map<String, Logged> last = new HashMap<>();
        Set<String> inserted = new HashSet<>();
        for (List<Logged> records : committed) {
            for (Logged r : records) {
                if (r.operation().equals("INSERT")) {
                    inserted.add(r.rowId());
                }
                last.merge(r.rowId(), r, (a, b) -> a.seq() >= b.seq() ? a : b);
            }
        }
        Map<String, String[]> rows = new HashMap<>();
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(ROWS); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        v.set("table rows", rows.size());
        for (Map.Entry<String, Logged> e : last.entrySet()) {
            String[] row = rows.get(e.getKey());
            Logged latest = e.getValue();
            if (!inserted.contains(e.getKey())) {
                v.violation("a row updated but never inserted", e.getKey());
            } else if (row == null) {
                v.violation("a committed row missing from its table", e.getKey() + " (last written by " + latest.requestId() + ")");
            } else if (!row[0].equals(String.valueOf(latest.seq())) || !row[1].equals(latest.requestId())) {
                v.violation("a row not as its last committed write left it", e.getKey() + " holds seq " + row[0] + " by "
                        + row[1] + ", the log's last is seq " + latest.seq() + " by " + latest.requestId());
            }
        }
        rows.keySet().stream().filter(id -> !last.containsKey(id))
                .forEach(id -> v.violation("a row with no committed record", id));
    }

    /** Every present request's history lists its writes as committed; an absent one has none committed. */
    private void checkHistory(Verdict v, List<Attempt> present, List<Attempt> absent, int limit) throws Exception {
        List<Attempt> sample = new ArrayList<>();
        present.stream().filter(a -> a.outcome() != Attempt.Outcome.ACKNOWLEDGED).forEach(sample::add);
        absent.stream().filter(a -> a.outcome() != Attempt.Outcome.NOT_SENT).forEach(sample::add);
        List<Attempt> acknowledged = present.stream().filter(a -> a.outcome() == Attempt.Outcome.ACKNOWLEDGED).toList();
        int step = Math.max(1, acknowledged.size() / Math.max(1, limit - Math.min(limit, sample.size())));
        for (int i = 0; i < acknowledged.size(); i += step) {
            sample.add(acknowledged.get(i));
        }
        Set<String> presentIds = new HashSet<>();
        present.forEach(a -> presentIds.add(a.requestId()));
        for (Attempt a : sample) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(fluxUrl + "/v1/requests/" + a.requestId()
                    + "?limit=1000")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            long shown = 0;
            if (r.statusCode() == 200) {
                for (JsonNode e : JSON.readTree(r.body()).path("entries")) {
                    if (e.path("status").asText().equals("committed") && e.path("table").asText().equals(TABLE)) {
                        shown++;
                    }
                }
            } else if (r.statusCode() != 404) {
                v.violation("history answered " + r.statusCode(), a.requestId());
                continue;
            }
            long expected = presentIds.contains(a.requestId()) ? a.rows().size() : 0;
            if (shown != expected) {
                v.violation("history disagrees with the log", a.requestId() + " shows " + shown + " committed, expected " + expected);
            }
            v.count("history: requests checked");
        }
    }

    /**
     * Reads the topic from its start until every committed record has arrived (or the wait ends),
     * deduplicating on (lsn, table, row_id); then each committed record must be there exactly once,
     * and nothing else.
     */
    private void checkKafka(Verdict v, Collection<List<Logged>> committed, Duration wait) {
        Map<String, Integer> expected = new HashMap<>();
        for (List<Logged> records : committed) {
            for (Logged r : records) {
                expected.merge(r.requestId() + "|" + r.rowId() + "|" + r.operation(), 1, Integer::sum);
            }
        }
        Set<String> dedupe = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        long raw = 0;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + wait.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                consumer.partitionsFor(TOPIC, Duration.ofSeconds(5))
                        .forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!covered(seen, expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> m : consumer.poll(Duration.ofMillis(500))) {
                    raw++;
                    JsonNode value = JSON.readTree(m.value());
                    String key = value.path("lsn").asText() + "|" + value.path("table").asText() + "|" + value.path("row_id").asText();
                    if (dedupe.add(key)) {
                        seen.merge(value.path("request_id").asText() + "|" + value.path("row_id").asText() + "|"
                                + value.path("op").asText(), 1, Integer::sum);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a message on " + TOPIC + " is not JSON", e);
        }
        v.set("kafka: messages read", raw);
        v.set("kafka: after deduplication", dedupe.size());
        v.set("kafka: committed records expected", expected.values().stream().mapToLong(Integer::longValue).sum());
        expected.forEach((k, n) -> {
            int got = seen.getOrDefault(k, 0);
            if (got != n) {
                v.violation(got < n ? "committed change missing from Kafka" : "change on Kafka more than once after dedupe",
                        k + " seen " + got + " times");
            }
        });
        seen.keySet().stream().filter(k -> !expected.containsKey(k))
                .forEach(k -> v.violation("a change on Kafka the log has no committed record of", k));
    }

    private static boolean covered(Map<String, Integer> seen, Map<String, Integer> expected) {
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            if (seen.getOrDefault(e.getKey(), 0) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The server's cross-check {@code missing} count (since that server process started). */
    long crossCheckMissing() throws Exception {
        return captureStatus().path("cross_check").path("missing").asLong();
    }

    private JsonNode captureStatus() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(fluxUrl + "/v1/capture/status"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/capture/status answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private void checkCaptureStatus(Verdict v, long missingBefore) throws Exception {
        JsonNode status = captureStatus();
        JsonNode check = status.path("cross_check");
        v.set("capture: state " + status.path("state").asText(), 1);
        v.set("capture: restarts (this server)", status.path("restarts").asLong());
        v.set("cross-check: matched (this server)", check.path("matched").asLong());
        v.set("cross-check: untracked (this server)", check.path("untracked").asLong());
        v.set("cross-check: mismatched (this server)", check.path("mismatched").asLong());
        v.set("cross-check: missing (this server)", check.path("missing").asLong());
        long missing = check.path("missing").asLong() - missingBefore;
        if (missing != 0) {
            v.violation("cross-check counts missing records", missing + " during this fault: " + status);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }
}
