package flux.history;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Parses the moments users give: an ISO-8601 instant or offset date-time
 * ({@code 2026-03-10T14:22:00Z}, {@code 2026-03-10T15:22+01:00}), or a local date-time or
 * date ({@code 2026-03-10 14:22}, {@code 2026-03-10}) read in the given zone.
 */
public final class Moments {
    private Moments() {
    }

    public static Instant parse(String text, ZoneId zone) {
        if (text == null || text.isBlank()) {
            throw new HistoryException.InvalidArgument("a time is required");
        }
        String t = text.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDateTime.parse(t).atZone(zone).toInstant();
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(t).atStartOfDay(zone).toInstant();
                    } catch (DateTimeParseException e) {
                        throw new HistoryException.InvalidArgument("invalid time \"" + text.strip()
                                + "\" (expected ISO-8601, e.g. 2026-03-10T14:22:00Z or 2026-03-10 14:22)");
                    }
                }
            }
        }
    }
}
