package flux.capture;

import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.TransactionInfo;
import io.debezium.spi.schema.DataCollectionId;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Debezium's {@code LastEvent} streaming metric cheap. Debezium 3.6.3 renders every change
 * it streams into that JMX attribute (key, value and position as text) and builds a new Jackson
 * {@code ObjectMapper} for each one: 16-18% of the JVM's CPU samples in a backlog drain, on the
 * connector's single streaming thread. No connector option turns it off (upstream replaced the
 * mapper later: debezium/debezium#7886, after 3.6.3).
 *
 * <p>{@link #install} swaps the metadata provider of the streaming metrics' event meter for one
 * that delegates everything but the summary, which becomes the changed table's identifier
 * ({@code public.users}). The meter is reached through private fields of Debezium's engine,
 * task, coordinator and metrics; when any of them is not as expected (another Debezium
 * version), nothing is changed and a warning says so: Debezium then works as before and only
 * the CPU is spent. {@code LastEventSummaryIT} reads the attribute over JMX and fails when the
 * swap no longer takes effect. Call it once the engine's tasks started (the
 * {@code pollingStarted} callback).
 */
final class LastEventSummary {
    private static final Logger log = LoggerFactory.getLogger(LastEventSummary.class);

    private LastEventSummary() {
    }

    /** @return true when every task's streaming meter now renders the cheap summary */
    static boolean install(Object engine) {
        try {
            List<?> tasks = (List<?>) read(engine, "tasks");
            boolean installed = !tasks.isEmpty();
            for (Object task : tasks) {
                Object connectTask = task.getClass().getMethod("connectTask").invoke(task);
                Object coordinator = read(connectTask, "coordinator");
                Object metrics = read(coordinator, "streamingMetrics");
                Object meter = read(metrics, "commonEventMeter");
                Field provider = field(meter.getClass(), "metadataProvider");
                Object current = provider.get(meter);
                if (current instanceof TableOnly) {
                    continue;
                }
                provider.set(meter, new TableOnly((EventMetadataProvider) current));
            }
            return installed;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) { // LinkageError: its types moved
            log.warn("Debezium's LastEvent metric is rendered per change as usual (costs CPU): {}", e.toString());
            return false;
        }
    }

    private static Object read(Object owner, String name) throws ReflectiveOperationException {
        if (owner == null) {
            throw new NoSuchFieldException(name + " (on null)");
        }
        Object value = field(owner.getClass(), name).get(owner);
        if (value == null) {
            throw new NoSuchFieldException(name + " is null on " + owner.getClass().getName());
        }
        return value;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException ignored) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(name + " in " + type.getName());
    }

    /** Debezium's provider, with the changed table's identifier as the summary. */
    record TableOnly(EventMetadataProvider delegate) implements EventMetadataProvider {
        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return source == null ? null : source.identifier();
        }

        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return delegate.getEventTimestamp(source, offset, key, value);
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key,
                                                          Struct value) {
            return delegate.getEventSourcePosition(source, offset, key, value);
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return delegate.getTransactionId(source, offset, key, value);
        }

        @Override
        public TransactionInfo getTransactionInfo(DataCollectionId source, OffsetContext offset, Object key,
                                                  Struct value) {
            return delegate.getTransactionInfo(source, offset, key, value);
        }
    }
}
