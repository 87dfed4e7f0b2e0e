package flux.tenancy;

import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The internal schema as a server has it, for tenancy's tests: the mutation log, then tenancy's tables. */
final class TenancyDatabase {
    private TenancyDatabase() {
    }

    static void install(DataSource dataSource) throws SQLException {
        SchemaInstaller.install(dataSource, LogSchema.script(), TenancySchema.script());
    }
}
