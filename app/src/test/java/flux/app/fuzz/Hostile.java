package flux.app.fuzz;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Generators of hostile input: strings that have broken SQL, JSON, URL and header handling
 * elsewhere (injection, NUL and control characters, bidi overrides, unpaired surrogates,
 * huge numbers, lengths at and beyond limits), plain random text, and JSON text built from
 * them (well-formed, so that the server has to look at the meaning; malformed bodies come from
 * {@link QueryBodies#mutated}).
 */
final class Hostile {
    static final List<String> CURATED = List.of("", " ", "users; DROP TABLE users", "users\"; DROP TABLE users; --",
            "' OR 1=1 --", "1 OR 1=1", "\u0000", "a\u0000b", "\u202e", "\ud800", "\udfff\ud800", "😀", "%00", "%",
            "%zz", "%c3", "../../etc/passwd", "..", ".", "/", "\\", "null", "true", "-1", "0", "1e999999999",
            "99999999999999999999", "-9223372036854775809", "NaN", "Infinity", "1.5", "0x10", "\"", "'", "{}", "[]",
            "ctid", "xmin", "oid", "pg_catalog.pg_class", "flux.state_mutations", "information_schema.tables",
            "USERS", "users.id", "public.users", "public.", ".users", "*", "$1", "?", "\t", "\r\n", "\n",
            "${jndi:ldap://x}", "<script>", "2026-03-10", "2026-13-45T25:61:61Z", "yesterday", "epoch", "infinity",
            "00000000-0000-0000-0000-000000000000", "not-a-uuid", "aGk=", "\\x00", "ok", "sad", "happy",
            "x".repeat(64), "x".repeat(129), "é".repeat(200));

    private Hostile() {
    }

    /** Any string: curated ones, random Unicode (any code unit), control characters, short words, now and then long ones. */
    static Arbitrary<String> text() {
        return mix(
                weighted(6, Arbitraries.of(CURATED)),
                weighted(3, Arbitraries.strings().all().ofMaxLength(24)),
                weighted(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars('\u007f', '\u0085')
                        .ofMinLength(1).ofMaxLength(4)),
                weighted(4, Arbitraries.strings().alpha().numeric().withChars('_', '.', '-').ofMaxLength(16)),
                weighted(1, Arbitraries.strings().ascii().ofMinLength(200).ofMaxLength(20_000)));
    }

    /** Raw bytes, valid UTF-8 or not (lone continuation bytes, overlong forms, 0xFF). */
    static Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> invalidUtf8 = Arbitraries.of(
                new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {'a', 0, 'b'});
        return mix(weighted(1, random), weighted(1, invalidUtf8));
    }

    /** A JSON string literal of {@code s}: quotes, backslashes and control characters escaped, the rest as it is. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c)); // an unpaired surrogate stays one, escaped
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** A JSON number: small, large, exact decimals, exponents, beyond long. */
    static Arbitrary<String> number() {
        return mix(
                weighted(5, Arbitraries.integers().between(-3, 20).map(String::valueOf)),
                weighted(2, Arbitraries.longs().map(String::valueOf)),
                weighted(2, Arbitraries.bigDecimals().ofScale(3).map(d -> d.toPlainString())),
                weighted(1, Arbitraries.of("1e2", "1E-7", "-0", "0.0", "1e999999999", "123456789012345678901234567890",
                        "0.1", "-1.5e300", "4.9e-324", "1" + "0".repeat(1000))));
    }

    /** A JSON scalar: string, number, boolean or null. */
    static Arbitrary<String> scalar() {
        return mix(
                weighted(4, text().map(Hostile::quote)),
                weighted(4, number()),
                weighted(1, Arbitraries.of("true", "false", "null")));
    }

    /** Any JSON value, nested up to {@code depth} levels. */
    static Arbitrary<String> value(int depth) {
        if (depth <= 0) {
            return scalar();
        }
        Arbitrary<String> array = value(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(text(), value(depth - 1)).as(
                (k, v) -> quote(k) + ":" + v).list().ofMaxSize(3).map(l -> "{" + String.join(",", l) + "}");
        return mix(weighted(6, scalar()), weighted(2, array), weighted(1, object));
    }

    /** One of the choices, each picked in proportion to its weight. */
    @SafeVarargs
    static <T> Arbitrary<T> mix(Tuple2<Integer, Arbitrary<T>>... choices) {
        return Arbitraries.frequencyOf(Arrays.asList(choices));
    }

    @SuppressWarnings("unchecked")
    static <T> Tuple2<Integer, Arbitrary<T>> weighted(int weight, Arbitrary<? extends T> arbitrary) {
        return Tuple.of(weight, (Arbitrary<T>) arbitrary);
    }
}
