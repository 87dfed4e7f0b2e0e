package flux.console;

/** Checks that a Java string is Unicode text: every UTF-16 surrogate is half of a pair. */
final class UnicodeText {
    private UnicodeText() {
    }

    /** The index of the first surrogate that is not half of a pair, or -1 when there is none. */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
