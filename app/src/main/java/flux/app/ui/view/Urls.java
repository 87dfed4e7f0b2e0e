package flux.app.ui.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Values put into the pages' links: path segments and query values, percent-encoded. */
public final class Urls {
    private Urls() {
    }

    /** One path segment (a space is %20 in a path, not +). */
    public static String segment(String text) {
        return URLEncoder.encode(text == null ? "" : text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String query(String text) {
        return URLEncoder.encode(text == null ? "" : text, StandardCharsets.UTF_8);
    }

    public static String row(String table, String rowId) {
        return "/ui/rows/" + segment(table) + "/" + segment(rowId);
    }

    public static String request(String requestId) {
        return "/ui/requests/" + segment(requestId);
    }
}
