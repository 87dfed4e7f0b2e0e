package flux.app.ui.view;

import java.util.List;

/** Every mutation one request made or attempted, across tables, in the order written. */
public record RequestTrail(Frame frame, String requestId, List<Timeline.Change> changes, String nextCursor,
                           ShortIds shortIds) {
}
