package flux.app.ui.view;

import java.util.List;

/**
 * Capture's status for the page and its live part (refreshed every second).
 *
 * @param unavailable why capture has no status (disabled, not started), else null
 * @param chart       the events/s samples as SVG polyline points, oldest first
 */
public record CaptureView(Frame frame, String unavailable, String state, String slot, Long lagBytes, String lastLsn,
                          long events, long transactions, long matched, long untracked, long missing, long mismatched,
                          String lastError, String failure, double eventsPerSecond, String chart, double chartMax,
                          List<Tenant> tenants) {

    public record Tenant(String id, long events) {
    }
}
