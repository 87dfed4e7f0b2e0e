package flux.query.model;

/** Renders caller-supplied names in error messages: bounded length, control characters escaped. */
public final class Names {
    private static final int MAX = 80;

    private Names() {
    }

    public static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > MAX ? b + "..." : b.toString();
    }
}
