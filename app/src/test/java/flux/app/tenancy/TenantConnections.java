package flux.app.tenancy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Sessions from the libpq connection strings `flux tenants credentials` prints, opened as a tenant's driver would. */
public final class TenantConnections {
    private TenantConnections() {
    }

    public static Connection open(String connectionString) throws SQLException {
        URI uri = URI.create(connectionString);
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        Properties p = new Properties();
        p.setProperty("user", userInfo[0]);
        p.setProperty("password", userInfo.length > 1 ? userInfo[1] : "");
        p.setProperty("options", URLDecoder.decode(uri.getRawQuery().substring("options=".length()), StandardCharsets.UTF_8));
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), p);
    }
}
