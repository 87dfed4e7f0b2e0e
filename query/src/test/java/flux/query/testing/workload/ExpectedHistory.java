package flux.query.testing.workload;

import com.fasterxml.jackson.databind.JsonNode;
import flux.query.model.JsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the mutation log must say about each row after outcomes of steps applied one after
 * another: the oracle for history, blame and as-of. Each row's entries are in commit order.
 * An API write that committed is a {@code committed}/{@code api} entry with its request id; a raw
 * write one with {@code source = 'wal'} and request id {@code wal:<txid>}; a failed request's
 * writes up to the failing one are {@code rolled_back} attempts, with the images the engine
 * records (an update's laid over the row as it is after the rollback, an insert's its input).
 * Raw transactions rolled back leave nothing.
 */
public final class ExpectedHistory {
    /** One expected entry of a row's history; {@code old}/{@code after} as the log's images (null where none). */
    public record Entry(String operation, String status, String source, String requestId, JsonNode old,
                        JsonNode after) {
    }

    /**
     * One column's expected blame: its value, the request that last committed it, and the
     * request of a later rolled-back attempt on it (null: none).
     */
    public record ColumnBlame(String column, JsonNode value, String requestId, String lastAttemptRequestId) {
    }

    /** A row's expected blame: its columns, and the request that deleted it (null while it exists). */
    public record RowBlame(List<ColumnBlame> columns, String deletedBy) {
    }

    private static final List<String> COLUMNS = List.of("id", "plan", "n", "note");

    private final Map<Long, List<Entry>> rows = new TreeMap<>();

    private ExpectedHistory() {
    }

    public static ExpectedHistory of(List<Outcome> outcomes) {
        ExpectedHistory expected = new ExpectedHistory();
        Map<Long, Map<String, Object>> table = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            expected.replay(outcome, table);
        }
        return expected;
    }

    /** Rows with any entry, by id. */
    public Map<Long, List<Entry>> rows() {
        return rows;
    }

    public List<Entry> entries(long id) {
        return rows.getOrDefault(id, List.of());
    }

    private void replay(Outcome outcome, Map<Long, Map<String, Object>> table) {
        Step step = outcome.step();
        if (step instanceof Step.Raw raw) {
            if (outcome.committed()) {
                for (Write w : raw.writes()) {
                    commit(w, table, "wal", "wal:" + outcome.txid());
                }
            }
        } else if (step instanceof Step.Api api) {
            if (outcome.committed()) {
                for (Write w : api.writes()) {
                    commit(w, table, "api", api.requestId());
                }
            } else {
                for (int i = 0; i < api.writes().size(); i++) {
                    attempt(api.writes().get(i), i == api.failAt(), table, api.requestId());
                }
            }
        }
    }

    private void commit(Write w, Map<Long, Map<String, Object>> table, String source, String requestId) {
        if (w instanceof Write.Insert insert) {
            Map<String, Object> row = row(insert.id(), insert.values());
            table.put(insert.id(), row);
            add(insert.id(), "INSERT", "committed", source, requestId, null, row);
        } else if (w instanceof Write.Update update) {
            update(update.id(), update.changes(), table, source, requestId);
        } else if (w instanceof Write.UpdateRange range) {
            for (long id = range.from(); id <= range.to(); id++) {
                update(id, range.changes(), table, source, requestId);
            }
        } else {
            long id = ((Write.Delete) w).id();
            add(id, "DELETE", "committed", source, requestId, table.remove(id), null);
        }
    }

    private void update(long id, Map<String, Object> changes, Map<Long, Map<String, Object>> table, String source,
                        String requestId) {
        Map<String, Object> old = table.get(id);
        if (old == null) {
            return; // no row: nothing written, nothing recorded
        }
        Map<String, Object> row = new LinkedHashMap<>(old);
        row.putAll(changes);
        table.put(id, row);
        add(id, "UPDATE", "committed", source, requestId, old, row);
    }

    /**
     * A write of a request that rolled back. Each of its writes is on another row, so the rows
     * it saw are the committed ones; the failing write's images are read after the rollback.
     */
    private void attempt(Write w, boolean failing, Map<Long, Map<String, Object>> table, String requestId) {
        if (w instanceof Write.Insert insert) {
            Map<String, Object> input = failing ? input(insert) : row(insert.id(), insert.values());
            add(insert.id(), "INSERT", "rolled_back", "api", requestId, null, input);
        } else if (w instanceof Write.Update update) {
            attemptUpdate(update.id(), update.changes(), table, requestId);
        } else if (w instanceof Write.UpdateRange range) {
            for (long id = range.from(); id <= range.to(); id++) {
                attemptUpdate(id, range.changes(), table, requestId);
            }
        } else {
            long id = ((Write.Delete) w).id();
            if (table.containsKey(id)) {
                add(id, "DELETE", "rolled_back", "api", requestId, table.get(id), null);
            }
        }
    }

    private void attemptUpdate(long id, Map<String, Object> changes, Map<Long, Map<String, Object>> table,
                               String requestId) {
        Map<String, Object> old = table.get(id);
        if (old != null) {
            Map<String, Object> row = new LinkedHashMap<>(old);
            row.putAll(changes);
            add(id, "UPDATE", "rolled_back", "api", requestId, old, row);
        }
    }

    /** A failed insert's attempt is its input as given: the key and the values, in that order. */
    private static Map<String, Object> input(Write.Insert insert) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", insert.id());
        row.putAll(insert.values());
        return row;
    }

    /** A whole row: every column, null where the write gave none. */
    private static Map<String, Object> row(long id, Map<String, Object> values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String c : COLUMNS) {
            row.put(c, c.equals("id") ? id : values.get(c));
        }
        return row;
    }

    private void add(long id, String operation, String status, String source, String requestId,
                     Map<String, Object> old, Map<String, Object> after) {
        rows.computeIfAbsent(id, k -> new ArrayList<>())
                .add(new Entry(operation, status, source, requestId, image(old), image(after)));
    }

    /** As the log's JSON reads back (small numbers as ints), so entries compare with {@code equals}. */
    private static JsonNode image(Map<String, Object> row) {
        return row == null ? null : JsonCodec.parse(JsonCodec.write(row));
    }

    /**
     * Row {@code id}'s blame as the log's entries in commit order give it: a committed INSERT
     * sets every column, an UPDATE the columns whose values changed, a DELETE none (the row keeps
     * its last values, and is deleted while a DELETE is its last committed entry); an attempt counts for the columns it tried to set (an UPDATE's changed
     * ones, an INSERT's given ones, a DELETE's all) when it is newer than their last commit.
     */
    public RowBlame blame(long id) {
        return blameOf(entries(id));
    }

    /** The blame that a row's entries, in this order, give it (by the rules of {@link #blame(long)}). */
    public static RowBlame blameOf(List<Entry> entries) {
        Map<String, Integer> committedAt = new LinkedHashMap<>();
        Map<String, Integer> attemptedAt = new LinkedHashMap<>();
        JsonNode values = null;
        String deletedBy = null;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int at = i;
            if (e.status().equals("committed")) {
                switch (e.operation()) {
                    case "INSERT" -> e.after().fieldNames().forEachRemaining(c -> committedAt.put(c, at));
                    case "UPDATE" -> changed(e).forEach(c -> committedAt.put(c, at));
                    default -> { } // a DELETE sets no column
                }
                deletedBy = e.operation().equals("DELETE") ? e.requestId() : null;
                values = e.after() != null ? e.after() : e.old();
            } else {
                JsonNode image = e.operation().equals("DELETE") ? e.old() : e.after();
                List<String> columns = e.operation().equals("UPDATE") ? changed(e) : names(image);
                for (String c : columns) {
                    attemptedAt.put(c, i);
                }
            }
        }
        List<ColumnBlame> columns = new ArrayList<>();
        for (String c : COLUMNS) {
            Integer commit = committedAt.get(c);
            Integer attempt = attemptedAt.get(c);
            columns.add(new ColumnBlame(c, values == null ? null : values.get(c),
                    commit == null ? null : entries.get(commit).requestId(),
                    attempt != null && (commit == null || attempt > commit) ? entries.get(attempt).requestId() : null));
        }
        return new RowBlame(columns, deletedBy);
    }

    private static List<String> changed(Entry e) {
        List<String> changed = new ArrayList<>();
        for (String c : names(e.after())) {
            if (!Objects.equals(e.old().get(c), e.after().get(c))) {
                changed.add(c);
            }
        }
        return changed;
    }

    private static List<String> names(JsonNode image) {
        List<String> names = new ArrayList<>();
        image.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
