package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import flux.app.capture.CaptureHealth;

/**
 * The answer of {@code GET /health}: {@code UP} when every component is, each component's status
 * first, then what tells it apart ({@code version}, {@code cluster_id}) or why it is down
 * ({@code error}). A component shows only the members it has.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Health(String status, Components components) {
    static final String UP = "UP";
    static final String DOWN = "DOWN";

    /** {@code capture}: null when capture is not listed (disabled, or not started yet). */
    static Health of(Component database, Component kafka, Component capture) {
        boolean up = database.isUp() && kafka.isUp() && (capture == null || capture.isUp());
        return new Health(up ? UP : DOWN, new Components(database, kafka, capture));
    }

    boolean isUp() {
        return UP.equals(status);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Components(Component database, Component kafka, Component capture) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Component(String status, String version, @JsonProperty("cluster_id") String clusterId, String state,
                     String error, String since) {
        static Component database(String version) {
            return new Component(UP, version, null, null, null, null);
        }

        static Component kafka(String clusterId) {
            return new Component(UP, null, clusterId, null, null, null);
        }

        static Component down(String error) {
            return new Component(DOWN, null, null, null, error == null ? "unknown" : error, null);
        }

        /** Capture: its state; DOWN with the reason and since when once it failed for good. */
        static Component capture(CaptureHealth.Reading r) {
            return new Component(r.failed() ? DOWN : UP, null, null, r.state(), r.error(), r.since());
        }

        boolean isUp() {
            return UP.equals(status);
        }
    }
}
