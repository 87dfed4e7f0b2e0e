package flux.app.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What really happened to each row, told by PostgreSQL rather than by Flux: an AFTER ROW trigger
 * on the test table appends every committed change to {@code oracle}, in the order each row
 * changed (its {@code seq} is drawn while the changing transaction holds the row's lock, so for one
 * row it is commit order), with the transaction's id and request tag. Rolled-back changes vanish
 * with their transaction. The table has no primary key, so capture does not track it.
 */
final class Oracle {
    static final String[] DDL = {
            "CREATE TABLE oracle (seq bigserial, txid xid8 NOT NULL DEFAULT pg_current_xact_id(), request_id text,"
                    + " op text NOT NULL, old_id int, new_id int, old jsonb, new jsonb)",
            """
            CREATE FUNCTION oracle_record() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO oracle (request_id, op, old_id, new_id, old, new)
                VALUES (NULLIF(current_setting('flux.request_id', true), ''), TG_OP,
                        CASE WHEN TG_OP <> 'INSERT' THEN OLD.id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.id END,
                        CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
                RETURN NULL;
            END $$""",
            "CREATE TRIGGER accounts_oracle AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW"
                    + " EXECUTE FUNCTION oracle_record()"};

    /** One committed change; {@code requestId} is the API's request, or {@code wal:<txid>} for raw SQL. */
    record Change(String op, Integer oldId, Integer newId, JsonNode old, JsonNode after, String requestId,
                  String source) {
        /** Whether this change ends the life of key {@code key}: a DELETE, or a key change away from it. */
        boolean ends(int key) {
            return op.equals("DELETE") || (op.equals("UPDATE") && !newId.equals(key));
        }

        /** Whether this change begins the life of key {@code key}: an INSERT, or a key change into it. */
        boolean begins(int key) {
            return op.equals("INSERT") || (op.equals("UPDATE") && newId.equals(key) && !oldId.equals(key));
        }
    }

    private Oracle() {
    }

    /** Each key's changes, in commit order: the changes that wrote the key, or moved the row away from it. */
    static Map<Integer, List<Change>> timelines(Connection c) throws SQLException {
        Map<Integer, List<Change>> byKey = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT txid::text, request_id, op, old_id, new_id, old::text, new::text"
                     + " FROM oracle ORDER BY seq")) {
            while (rs.next()) {
                String request = rs.getString("request_id");
                Change change = new Change(rs.getString("op"), (Integer) rs.getObject("old_id"),
                        (Integer) rs.getObject("new_id"), parse(rs.getString("old")), parse(rs.getString("new")),
                        request != null ? request : "wal:" + rs.getString("txid"), request != null ? "api" : "wal");
                if (change.oldId() != null) {
                    byKey.computeIfAbsent(change.oldId(), k -> new ArrayList<>()).add(change);
                }
                if (change.newId() != null && !change.newId().equals(change.oldId())) {
                    byKey.computeIfAbsent(change.newId(), k -> new ArrayList<>()).add(change);
                }
            }
        }
        return byKey;
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? null : CapturedServer.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
