package flux.app.capture;

import flux.capture.CaptureState;
import flux.capture.CaptureStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * Capture's figures as Prometheus metrics: published events, the cross-check counts by result
 * (backfilled: published from the log because their table was not yet in the publication),
 * slot lag, restarts, and whether the pipeline streams or has failed. Read from the live {@link CaptureStatus} at scrape
 * time; zero (lag: NaN) while capture is off or not started.
 */
final class CaptureMetrics {
    private CaptureMetrics() {
    }

    static void register(MeterRegistry registry, CaptureRunner runner) {
        counter(registry, "flux.capture.events.published", "changes published to Kafka", runner,
                CaptureStatus::eventsPublished, "kind", "change");
        counter(registry, "flux.capture.events.published", "changes published to Kafka", runner,
                CaptureStatus::rolledBackPublished, "kind", "rolled_back");
        counter(registry, "flux.capture.crosscheck", "WAL changes and mutation records by cross-check result",
                runner, CaptureStatus::matched, "result", "matched");
        counter(registry, "flux.capture.crosscheck", "WAL changes and mutation records by cross-check result",
                runner, CaptureStatus::untracked, "result", "untracked");
        counter(registry, "flux.capture.crosscheck", "WAL changes and mutation records by cross-check result",
                runner, CaptureStatus::missing, "result", "missing");
        counter(registry, "flux.capture.crosscheck", "WAL changes and mutation records by cross-check result",
                runner, CaptureStatus::mismatched, "result", "mismatched");
        counter(registry, "flux.capture.crosscheck", "WAL changes and mutation records by cross-check result",
                runner, CaptureStatus::backfilled, "result", "backfilled");
        Gauge.builder("flux.capture.slot.lag", runner, r -> figure(r, s -> s.slotLagBytes() < 0 ? Double.NaN
                        : s.slotLagBytes(), Double.NaN))
                .description("WAL the replication slot retains beyond its confirmed position").baseUnit("bytes")
                .register(registry);
        Gauge.builder("flux.capture.streaming", runner, r -> figure(r,
                        s -> s.state() == CaptureState.STREAMING ? 1 : 0, 0))
                .description("1 while capture streams the WAL to Kafka").register(registry);
        Gauge.builder("flux.capture.failed", runner, r -> figure(r, s -> s.state() == CaptureState.FAILED ? 1 : 0, 0))
                .description("1 once capture stopped on a permanent failure (see /v1/capture/status)")
                .register(registry);
        counter(registry, "flux.capture.restarts", "times capture started over after a retriable failure", runner,
                CaptureStatus::restarts);
    }

    private static void counter(MeterRegistry registry, String name, String description, CaptureRunner runner,
                                ToDoubleFunction<CaptureStatus> read, String... tags) {
        FunctionCounter.builder(name, runner, r -> figure(r, read, 0)).description(description).tags(tags)
                .register(registry);
    }

    private static double figure(CaptureRunner runner, ToDoubleFunction<CaptureStatus> read, double none) {
        return runner.pipeline().map(p -> read.applyAsDouble(p.figures())).orElse(none);
    }
}
