package flux.console;

import java.util.Locale;

/**
 * A JDBC URL without the credentials it may carry ({@code ?user=...&password=...}): pgjdbc lets
 * URL parameters win over the connection's properties, so a console session given the server's
 * URL as is would log in as the server's role, not the tenant's.
 */
final class LoginUrl {
    private LoginUrl() {
    }

    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder();
        for (String param : url.substring(q + 1).split("&")) {
            String name = param.split("=", 2)[0].toLowerCase(Locale.ROOT);
            if (param.isEmpty() || name.equals("user") || name.equals("password")) {
                continue;
            }
            kept.append(kept.length() == 0 ? "?" : "&").append(param);
        }
        return url.substring(0, q) + kept;
    }
}
