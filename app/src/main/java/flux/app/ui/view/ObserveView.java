package flux.app.ui.view;

import flux.observe.IndexAdvisor;
import flux.observe.IndexSuggestion;
import flux.observe.NPlusOneFinding;
import flux.observe.SlowQuery;
import java.util.List;

/** What query observability found: slow queries with plans, N+1 patterns, index suggestions. */
public record ObserveView(Frame frame, long slowThresholdMs, List<SlowQuery> slow, List<NPlusOneFinding> nPlusOne,
                          List<IndexSuggestion> indexes, List<IndexAdvisor.Skipped> skipped, String indexError) {
}
