package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The images and error of one record as stored, read by id: what capture does not publish of the
 * log ({@link LogSchema#PAIRING_COLUMNS}) and reads when it needs it (the cross-check's image
 * comparison, rolled-back attempts on Kafka). Images are JSON text, null where the record has none.
 */
public record StoredImages(long id, String oldImage, String newImage, String error) {
    private static final String SELECT = "SELECT id, old::text, new::text, error FROM flux.state_mutations WHERE id = ANY(?)";

    /** The records among {@code ids} that exist, by id, in one query. */
    public static Map<Long, StoredImages> byIds(Connection c, Collection<Long> ids) {
        Map<Long, StoredImages> stored = new HashMap<>(ids.size() * 2);
        try (PreparedStatement st = c.prepareStatement(SELECT)) {
            st.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong("id");
                    stored.put(id, new StoredImages(id, rs.getString("old"), rs.getString("new"), rs.getString("error")));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return stored;
    }
}
