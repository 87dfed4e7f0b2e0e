package flux.app.ui.view;

import java.util.List;

/**
 * A page of a table's rows, read through the query API's engine with the filters of its form.
 *
 * @param filters the form's filters, as sent (blank ones left out)
 * @param rowIds  each row's id in history's form (its key as text), in the order of {@code rows}
 */
public record RowList(Frame frame, String table, List<String> columns, List<List<String>> rows, List<String> rowIds,
                      List<FilterLine> filters, List<String> ops, int offset, int limit, boolean more, String error) {

    /** The query string of another page of the same filters. */
    public String pageQuery(int at) {
        StringBuilder q = new StringBuilder();
        for (FilterLine f : filters) {
            q.append("column=").append(Urls.query(f.column())).append("&op=").append(Urls.query(f.op()))
                    .append("&value=").append(Urls.query(f.value())).append('&');
        }
        return q.append("offset=").append(at).toString();
    }

    /** One filter of the form: column, op and value as typed. */
    public record FilterLine(String column, String op, String value) {
    }
}
