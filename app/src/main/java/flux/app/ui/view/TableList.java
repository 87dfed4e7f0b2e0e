package flux.app.ui.view;

import java.util.List;

/** The tables the caller can query, with their key columns. */
public record TableList(Frame frame, List<Entry> tables) {
    public record Entry(String name, String key, int columns) {
    }
}
