package flux.app.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checks one key's history, blame and as-of over HTTP against what {@link Oracle} saw happen:
 * entries in commit order in both directions and across pages of any size, every committed
 * change exactly once with its request (or {@code wal:<txid>}), images that chain, times that
 * never run backwards, blame equal to the row with each column credited to its last change, and
 * as-of at random moments equal to the chain's state then.
 */
final class TimelineCheck {
    private final CapturedServer flux;
    private final Random random;

    TimelineCheck(CapturedServer flux, Random random) {
        this.flux = flux;
        this.random = random;
    }

    void check(int key, List<Oracle.Change> expected) throws Exception {
        List<JsonNode> entries = history(key, false);
        List<JsonNode> newest = history(key, true);
        assertThat(ids(reversed(newest))).as("key %d: newest-first pages, reversed", key).isEqualTo(ids(entries));
        List<JsonNode> committed = entries.stream().filter(e -> e.get("status").asText().equals("committed")).toList();
        assertThat(committed.size()).as("key %d: committed entries %s, oracle %s", key, committed, expected)
                .isEqualTo(expected.size());
        for (int i = 0; i < committed.size(); i++) {
            JsonNode e = committed.get(i);
            Oracle.Change o = expected.get(i);
            String where = "key " + key + ", committed entry " + i + " " + e + " vs oracle " + o;
            assertThat(e.get("operation").asText()).as(where).isEqualTo(o.op());
            assertThat(e.get("request_id").asText()).as(where).isEqualTo(o.requestId());
            assertThat(e.get("source").asText()).as(where).isEqualTo(o.source());
            assertThat(image(e.get("old"))).as(where).isEqualTo(o.old());
            assertThat(image(e.get("new"))).as(where).isEqualTo(o.after());
            if (i > 0) {
                assertThat(Instant.parse(e.get("at").asText())).as("time of " + where)
                        .isAfterOrEqualTo(Instant.parse(committed.get(i - 1).get("at").asText()));
                if (!o.begins(key)) {
                    assertThat(image(e.get("old"))).as("chained: " + where).isEqualTo(image(committed.get(i - 1).get("new")));
                }
            }
        }
        if (!committed.isEmpty()) {
            blame(key, expected);
            asOf(key, committed, expected);
        }
    }

    /** Blame: the row's values, deleted or not, and each column's last committed change since the row began. */
    private void blame(int key, List<Oracle.Change> expected) throws Exception {
        JsonNode blame = flux.get("/v1/state/accounts/" + key + "/blame").body();
        Oracle.Change last = expected.get(expected.size() - 1);
        assertThat(blame.get("deleted").asBoolean()).as("key %d deleted: %s", key, blame).isEqualTo(last.ends(key));
        List<String> row = flux.rows("SELECT to_jsonb(a)::text FROM accounts a WHERE id = ?", key);
        JsonNode values = last.ends(key) ? last.old() : CapturedServer.JSON.readTree(row.get(0));
        Map<String, String> setBy = new HashMap<>();
        boolean inherited = false;
        for (Oracle.Change c : expected) {
            if (c.begins(key)) {
                setBy.clear();
                inherited = !c.op().equals("INSERT");
            }
            if (c.after() != null && c.newId() == key) {
                for (Iterator<String> it = c.after().fieldNames(); it.hasNext(); ) {
                    String column = it.next();
                    if (c.old() == null || !c.old().get(column).equals(c.after().get(column))) {
                        setBy.put(column, c.requestId());
                    }
                }
            }
        }
        for (JsonNode line : blame.get("columns")) {
            String column = line.get("column").asText();
            String where = "key " + key + " blame of " + column + ": " + blame;
            assertThat(line.get("value")).as(where).isEqualTo(values.get(column));
            if (setBy.containsKey(column)) {
                assertThat(line.get("request_id").asText()).as(where).isEqualTo(setBy.get(column));
            } else if (!inherited) {
                assertThat(line.get("request_id").isNull()).as(where).isTrue();
            }
        }
    }

    /** As-of at random moments: the new image of the last committed entry at or before it, or no row. */
    private void asOf(int key, List<JsonNode> committed, List<Oracle.Change> expected) throws Exception {
        Instant first = Instant.parse(committed.get(0).get("at").asText());
        Instant last = Instant.parse(committed.get(committed.size() - 1).get("at").asText());
        long span = Math.max(1, last.toEpochMilli() - first.toEpochMilli() + 2000);
        for (int probe = 0; probe < 4; probe++) {
            Instant at = probe == 0 ? Instant.parse(committed.get(random.nextInt(committed.size())).get("at").asText())
                    : first.minusMillis(1000).plusMillis((long) (random.nextDouble() * span));
            int state = -1;
            for (int i = 0; i < committed.size(); i++) {
                if (!Instant.parse(committed.get(i).get("at").asText()).isAfter(at)) {
                    state = i;
                }
            }
            JsonNode snapshot = flux.get("/v1/state/accounts/" + key + "/at?time=" + CapturedServer.encode(at.toString()))
                    .body();
            String where = "key " + key + " as of " + at + ": " + snapshot;
            boolean exists = state >= 0 && !expected.get(state).ends(key);
            assertThat(snapshot.get("exists").asBoolean()).as(where).isEqualTo(exists);
            if (exists) {
                assertThat(snapshot.get("row")).as(where).isEqualTo(expected.get(state).after());
            }
        }
    }

    /** Every entry of the key's history, read a random number to a page, oldest or newest first. */
    private List<JsonNode> history(int key, boolean newestFirst) throws Exception {
        int limit = 1 + random.nextInt(9);
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        do {
            CapturedServer.Answer page = flux.get("/v1/state/accounts/" + key + "/history?limit=" + limit
                    + (newestFirst ? "" : "&order=oldest") + (cursor == null ? "" : "&cursor=" + CapturedServer.encode(cursor)));
            assertThat(page.status()).as("history of %d: %s", key, page.body()).isEqualTo(200);
            page.body().get("entries").forEach(entries::add);
            cursor = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asText();
        } while (cursor != null);
        return entries;
    }

    private static JsonNode image(JsonNode image) {
        return image == null || image.isNull() ? null : image;
    }

    private static List<Long> ids(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("id").asLong()).toList();
    }

    private static List<JsonNode> reversed(List<JsonNode> entries) {
        List<JsonNode> copy = new ArrayList<>(entries);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
