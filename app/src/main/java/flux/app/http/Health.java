package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code GET /health}: {@code UP} when every component is, each component's status
 * first, then what tells it apart ({@code version}, {@code cluster_id}) or why it is down
 * ({@code error}). A component shows only the members it has.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Health(String status, Components components) {
    static final String UP = "UP";
    static final String DOWN = "DOWN";

    static Health of(Component database, Component kafka) {
        boolean up = database.isUp() && kafka.isUp();
        return new Health(up ? UP : DOWN, new Components(database, kafka));
    }

    boolean isUp() {
        return UP.equals(status);
    }

    record Components(Component database, Component kafka) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Component(String status, String version, @JsonProperty("cluster_id") String clusterId, String error) {
        static Component database(String version) {
            return new Component(UP, version, null, null);
        }

        static Component kafka(String clusterId) {
            return new Component(UP, null, clusterId, null);
        }

        static Component down(String error) {
            return new Component(DOWN, null, null, error == null ? "unknown" : error);
        }

        boolean isUp() {
            return UP.equals(status);
        }
    }
}
