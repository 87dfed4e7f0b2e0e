package flux.app.cli.state;

import flux.history.HistoryException;
import flux.history.Moments;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --at}, {@code --from}, {@code --to}: ISO-8601, or a local date-time in this machine's zone. */
final class TimeConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return Moments.parse(value, ZoneId.systemDefault());
        } catch (HistoryException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
