package flux.log;

import flux.pg.SchemaChangeListener;
import flux.pg.SchemaChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector: notices schema changes made anywhere (psql, another migration tool, another server),
 * for any login role, with no event trigger and no {@code NOTIFY} from whoever made them. Run as the
 * {@link SchemaChangeListener.Probe} of a listener ({@link SchemaChangeListener#probing}): each probe
 * reads the catalog's fingerprint ({@link SchemaJournal#fingerprint}); when it moved, it journals the
 * changes ({@link SchemaJournal#record}) and, in the same transaction, announces them on
 * {@link SchemaChanges#CHANNEL}, so every other listener (capture's publication, other servers'
 * catalogs) follows as after a migration. A probe that finds the fingerprint unchanged writes
 * nothing. Changes made while no detector ran are journaled by its first probe.
 *
 * <p>Several servers may each run one: they conflict on the recorded shapes and only one journals
 * each change (the other fails with a serialization error, and its listener probes again after the
 * backoff, finding nothing). The fingerprint it compares with moves only once its changes are
 * recorded. Used by its listener's thread only.
 */
public final class SchemaDetector implements SchemaChangeListener.Probe {
    private static final Logger log = LoggerFactory.getLogger(SchemaDetector.class);
    private static final int MAX_PAYLOAD = 7000; // NOTIFY payloads must stay below 8,000 bytes

    private final Consumer<List<SchemaChange>> recorded;
    private String seen;
    private Connection preparedOn;
    private PreparedStatement fingerprint;

    /** @param recorded told of each batch of changes this detector journaled (logs, tests) */
    public SchemaDetector(Consumer<List<SchemaChange>> recorded) {
        this.recorded = recorded;
    }

    @Override
    public boolean changed(Connection c) {
        if (c != preparedOn) { // a new connection after a reconnect
            fingerprint = SchemaJournal.prepareFingerprint(c);
            preparedOn = c;
        }
        String now = SchemaJournal.fingerprint(fingerprint);
        if (now.equals(seen)) {
            return false;
        }
        List<SchemaChange> changes = SchemaJournal.record(c, SchemaChange.Recorder.DETECTOR,
                (x, found) -> SchemaChanges.notify(x, payload(found)));
        seen = now;
        if (changes.isEmpty()) {
            return false;
        }
        log.info("schema changed: {}", payload(changes));
        recorded.accept(changes);
        return true;
    }

    /** What changed, in short: {@code detector: add_column public.evo.b, create_table public.t}. */
    static String payload(List<SchemaChange> changes) {
        StringJoiner out = new StringJoiner(", ", "detector: ", "");
        for (SchemaChange ch : changes) {
            String item = ch.kind().stored() + " " + ch.tableSchema() + "." + ch.tableName()
                    + (ch.columnName() == null ? "" : "." + ch.columnName());
            if (out.length() + item.length() > MAX_PAYLOAD) {
                out.add("...");
                break;
            }
            out.add(item);
        }
        return out.toString();
    }
}
