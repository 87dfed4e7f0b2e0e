package flux.app.cli.state;

/**
 * ANSI colours for terminal output, or none. Colour only when stdout is a terminal
 * ({@code System.console() != null}) and {@code NO_COLOR} is unset (https://no-color.org).
 */
record Palette(boolean on) {
    static final Palette PLAIN = new Palette(false);

    static Palette detect() {
        return new Palette(System.console() != null && System.getenv("NO_COLOR") == null);
    }

    String green(String s) {
        return paint("32", s);
    }

    String yellow(String s) {
        return paint("33", s);
    }

    String red(String s) {
        return paint("31", s);
    }

    String dim(String s) {
        return paint("2", s);
    }

    String bold(String s) {
        return paint("1", s);
    }

    private String paint(String code, String s) {
        return on ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
