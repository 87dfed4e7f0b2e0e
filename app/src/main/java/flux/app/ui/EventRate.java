package flux.app.ui;

import flux.app.capture.CaptureRunner;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Capture's events per second over the last two minutes, for the capture page's chart: the
 * published-event counter sampled once a second (an in-memory read), rates from consecutive
 * samples. Thread-safe. The server's only: a command's records context (environment {@code cli},
 * {@code flux keys}, {@code flux tenants}) has no capture, and would fail to make one every second.
 */
@Singleton
@Requires(notEnv = Environment.CLI)
final class EventRate {
    static final int SAMPLES = 120;
    private final CaptureRunner runner;
    private final Deque<long[]> samples = new ArrayDeque<>();

    EventRate(CaptureRunner runner) {
        this.runner = runner;
    }

    @Scheduled(fixedDelay = "1s", initialDelay = "1s")
    void sample() {
        runner.pipeline().ifPresent(p -> add(System.nanoTime(), p.status().eventsPublished()));
    }

    synchronized void add(long nanos, long events) {
        samples.addLast(new long[] {nanos, events});
        while (samples.size() > SAMPLES + 1) {
            samples.removeFirst();
        }
    }

    /** Events/s between consecutive samples, oldest first. */
    synchronized List<Double> rates() {
        List<Double> rates = new ArrayList<>(samples.size());
        long[] previous = null;
        for (long[] s : samples) {
            if (previous != null && s[0] > previous[0]) {
                rates.add(Math.max(0, s[1] - previous[1]) * 1e9 / (s[0] - previous[0]));
            }
            previous = s;
        }
        return rates;
    }

    /** The rates as SVG polyline points in a 600 x 120 box scaled to {@code max}. */
    static String points(List<Double> rates, double max) {
        StringBuilder points = new StringBuilder();
        double step = 600.0 / (SAMPLES - 1);
        int first = SAMPLES - rates.size();
        for (int i = 0; i < rates.size(); i++) {
            double y = 120 - (max <= 0 ? 0 : rates.get(i) / max * 116);
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", (first + i) * step, y));
        }
        return points.toString().strip();
    }
}
