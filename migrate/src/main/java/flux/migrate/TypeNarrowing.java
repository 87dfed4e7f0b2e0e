package flux.migrate;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a column type change can lose or refuse values, judged on {@code format_type} names:
 * a shorter length or smaller precision of the same type, an unconstrained type given a limit,
 * a smaller integer or float, a number to an integer, a timestamp to a date, text to a non-text
 * type. Anything else (a longer varchar, int to bigint) is not narrowing; whether it rewrites
 * the table is seen in the catalog, not guessed here.
 */
final class TypeNarrowing {
    private static final Pattern TYPE = Pattern.compile("^(.*?)(?:\\(([\\d, ]+)\\))?(\\[\\])?$");
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint", "numeric");
    private static final List<String> FLOATS = List.of("real", "double precision", "numeric");
    private static final List<String> TEXT = List.of("text", "character varying", "character");
    private static final List<String> TIMESTAMPS = List.of("timestamp without time zone", "timestamp with time zone");

    private TypeNarrowing() {
    }

    static boolean narrows(String from, String to) {
        Matcher a = TYPE.matcher(from.strip());
        Matcher b = TYPE.matcher(to.strip());
        if (!a.matches() || !b.matches() || from.equals(to)) {
            return false;
        }
        String baseA = a.group(1);
        String baseB = b.group(1);
        if (baseA.equals(baseB) || TEXT.contains(baseA) && TEXT.contains(baseB)) {
            return smallerModifier(a.group(2), b.group(2));
        }
        if (INTEGERS.contains(baseA) && INTEGERS.contains(baseB)) {
            return INTEGERS.indexOf(baseB) < INTEGERS.indexOf(baseA);
        }
        if (FLOATS.contains(baseA) && (FLOATS.contains(baseB) || INTEGERS.contains(baseB))) {
            return INTEGERS.contains(baseB) || FLOATS.indexOf(baseB) < FLOATS.indexOf(baseA);
        }
        if (TIMESTAMPS.contains(baseA) && baseB.equals("date")) {
            return true;
        }
        return TEXT.contains(baseA) && !TEXT.contains(baseB);
    }

    /** A limit where there was none, or any of the limits lower (varchar(50) -> (20), numeric(10,2) -> (8,2)). */
    private static boolean smallerModifier(String from, String to) {
        if (to == null) {
            return false;
        }
        if (from == null) {
            return true;
        }
        String[] f = from.split(",");
        String[] t = to.split(",");
        for (int i = 0; i < Math.min(f.length, t.length); i++) {
            if (Integer.parseInt(t[i].strip()) < Integer.parseInt(f[i].strip())) {
                return true;
            }
        }
        return false;
    }
}
