package flux.migrate;

import java.math.BigInteger;

/**
 * A migration's version: the number that prefixes its file name ({@code 007_add_users.sql}
 * is 7; leading zeros do not matter, so renaming 7 to 007 is not a new migration), or, for
 * a file without a number ({@code todos.sql}), its name. Numbers sort numerically and before
 * names; names sort alphabetically.
 */
public record Version(String text) implements Comparable<Version> {

    public static Version of(String raw) {
        if (raw.chars().allMatch(Character::isDigit) && !raw.isEmpty()) {
            return new Version(new BigInteger(raw).toString());
        }
        return new Version(raw);
    }

    public boolean numeric() {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    @Override
    public int compareTo(Version o) {
        if (numeric() && o.numeric()) {
            return new BigInteger(text).compareTo(new BigInteger(o.text));
        }
        if (numeric() != o.numeric()) {
            return numeric() ? -1 : 1;
        }
        return text.compareTo(o.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
