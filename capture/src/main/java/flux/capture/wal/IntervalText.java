package flux.capture.wal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An interval as PostgreSQL writes it (IntervalStyle {@code postgres}, the default), which is what
 * {@code to_jsonb} puts in the mutation log: {@code "1 year 2 mons 3 days 04:05:06.5"},
 * {@code "-1 days +02:00:00"}, {@code "00:00:00"}. The connector runs with
 * {@code interval.handling.mode=string}, which hands every interval over as ISO 8601 with each
 * field kept apart ({@code P1Y2M3DT4H5M6.5S}; its numeric mode folds months into 30-day
 * microseconds, which cannot be undone). The rules follow PostgreSQL's {@code EncodeInterval}:
 * each non-zero field is written with its unit, a field after a negative one gets an explicit
 * {@code +} when positive, and the time of day is written when non-zero or when nothing else was.
 */
final class IntervalText {
    private static final int MICROS_SCALE = 6;

    private IntervalText() {
    }

    /** PostgreSQL's text of Debezium's ISO interval; text of another form is returned as it is. */
    static String fromIso(String iso) {
        Fields f = Fields.parse(iso);
        if (f == null) {
            return iso;
        }
        StringBuilder out = new StringBuilder(32);
        Part state = new Part();
        state.add(out, f.years, "year");
        state.add(out, f.months, "mon");
        state.add(out, f.days, "day");
        if (state.zero || f.hours != 0 || f.minutes != 0 || f.seconds.signum() != 0) {
            boolean minus = f.hours < 0 || f.minutes < 0 || f.seconds.signum() < 0;
            out.append(state.zero ? "" : " ").append(minus ? "-" : state.before ? "+" : "");
            two(out, Math.abs(f.hours)).append(':');
            two(out, Math.abs(f.minutes)).append(':');
            seconds(out, f.seconds.abs());
        }
        return out.toString();
    }

    /** Seconds as {@code SS[.ffffff]}, the fraction in microseconds without trailing zeros. */
    private static void seconds(StringBuilder out, BigDecimal seconds) {
        BigDecimal micros = seconds.setScale(MICROS_SCALE, RoundingMode.HALF_UP);
        two(out, micros.longValue());
        BigDecimal fraction = micros.remainder(BigDecimal.ONE);
        if (fraction.signum() != 0) {
            String digits = fraction.stripTrailingZeros().toPlainString(); // "0.5"
            out.append(digits, 1, digits.length());
        }
    }

    private static StringBuilder two(StringBuilder out, long v) {
        return out.append(v < 10 ? "0" : "").append(v);
    }

    /** PostgreSQL's AddPostgresIntPart: whether anything was written, and whether the last field was negative. */
    private static final class Part {
        private boolean zero = true;
        private boolean before;

        void add(StringBuilder out, long value, String unit) {
            if (value == 0) {
                return;
            }
            out.append(zero ? "" : " ").append(before && value > 0 ? "+" : "").append(value).append(' ').append(unit);
            if (value != 1) {
                out.append('s');
            }
            before = value < 0;
            zero = false;
        }
    }

    /** Debezium's {@code P<y>Y<m>M<d>DT<h>H<m>M<s>S}, every field present, each with its own sign. */
    private record Fields(long years, long months, long days, long hours, long minutes, BigDecimal seconds) {
        private static final char[] UNITS = {'Y', 'M', 'D', 'H', 'M', 'S'};

        static Fields parse(String iso) {
            if (iso.length() < 2 || iso.charAt(0) != 'P') {
                return null;
            }
            String[] values = new String[UNITS.length];
            int at = 1;
            for (int i = 0; i < UNITS.length; i++) {
                if (i == 3) {
                    if (at >= iso.length() || iso.charAt(at) != 'T') {
                        return null;
                    }
                    at++;
                }
                int end = iso.indexOf(UNITS[i], at);
                if (end < 0) {
                    return null;
                }
                values[i] = iso.substring(at, end);
                at = end + 1;
            }
            try {
                return new Fields(Long.parseLong(values[0]), Long.parseLong(values[1]), Long.parseLong(values[2]),
                        Long.parseLong(values[3]), Long.parseLong(values[4]), new BigDecimal(values[5]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
