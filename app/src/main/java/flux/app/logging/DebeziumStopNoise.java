package flux.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the one warning Debezium's PostgreSQL connector logs on every clean stop, and nothing else
 * of that logger (its warnings about a growing WAL backlog must stay). When the embedded engine
 * stops, it interrupts its task while the task confirms the last LSN to the server; the connector
 * then warns that the confirmation "was interrupted". Nothing is lost: capture's offsets are stored
 * before that confirmation (PostgresOffsetStore), and the next start confirms from them.
 */
public final class DebeziumStopNoise extends TurboFilter {
    static final String LOGGER = "io.debezium.connector.postgresql.PostgresStreamingChangeEventSource";
    static final String INTERRUPTED_FLUSH = "LSN flush operation for '{}' was interrupted";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        return level == Level.WARN && format != null && format.startsWith(INTERRUPTED_FLUSH)
                && LOGGER.equals(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
