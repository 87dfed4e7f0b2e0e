package flux.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Blame read twice: first as it stands (records above the folder's watermark folded by the read
 * itself), then after the folder has caught up (from the summary); both must agree.
 */
final class FoldedBlame {
    private FoldedBlame() {
    }

    static Blame read(History history, DataSource dataSource, String table, String id) throws SQLException {
        Blame unfolded = history.blame(table, id);
        BlameFolder folder = new BlameFolder(dataSource);
        while (folder.foldOnce() > 0) {
            // until the log is folded
        }
        Blame folded = history.blame(table, id);
        assertThat(folded).as("blame from the folded summary").isEqualTo(unfolded);
        return folded;
    }
}
