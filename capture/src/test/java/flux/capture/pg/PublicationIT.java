package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.log.LogSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class PublicationIT {
    private final TestPostgres db;

    PublicationIT(TestPostgres pg) throws SQLException {
        this.db = pg.newDatabase("capture_publication");
        LogSchema.install(db.dataSource());
    }

    @Test
    void newPublicationCarriesTheMutationLogWithoutItsImages() throws SQLException {
        try (Connection c = db.connect()) {
            new Publication("pub_new").sync(c);
            assertThat(publishedLogColumns(c, "pub_new")).isEqualTo(Set.copyOf(Publication.LOG_COLUMNS));
        }
    }

    @Test
    void publicationOfAnEarlierVersionGetsTheColumnListOnceAndKeepsItsTables() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.pub_accounts (id bigint PRIMARY KEY, owner text)");
            st.execute("CREATE PUBLICATION pub_old FOR TABLE public.pub_accounts, flux.state_mutations");
            assertThat(publishedLogColumns(c, "pub_old")).contains("old", "new");

            Publication publication = new Publication("pub_old");
            publication.sync(c);
            assertThat(publishedLogColumns(c, "pub_old")).isEqualTo(Set.copyOf(Publication.LOG_COLUMNS));
            assertThat(publication.sync(c)).isEmpty(); // nothing left to change
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'pub_old' AND tablename = 'pub_accounts'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    private static Set<String> publishedLogColumns(Connection c, String publication) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(Publication.LOG_COLUMNS_PUBLISHED)) {
            st.setString(1, publication);
            st.setString(2, LogSchema.SCHEMA);
            st.setString(3, LogSchema.TABLE);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Set.of((String[]) rs.getArray(1).getArray());
            }
        }
    }
}
