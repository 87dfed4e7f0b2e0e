package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartTimelineTest {

    @Test
    void phasesInARowBeginWhereThePreviousEndedAndThoseBesideSayWhenTheyBegan() {
        StartTimeline timeline = new StartTimeline();
        timeline.markTo("JVM and backends", 1);
        timeline.mark("server context");
        long topicsFrom = timeline.now();
        timeline.mark("publication");
        timeline.markSince("topics", topicsFrom);
        timeline.mark("slot");

        assertThat(timeline.phases()).extracting(StartTimeline.Phase::name)
                .containsExactly("JVM and backends", "server context", "publication", "topics", "slot");
        assertThat(timeline.phases().get(0)).as("the first phase begins at the JVM's start")
                .isEqualTo(new StartTimeline.Phase("JVM and backends", 0, 1));
        StartTimeline.Phase context = timeline.phases().get(1);
        assertThat(context.fromMs()).isEqualTo(1);
        assertThat(timeline.phases().get(2).fromMs()).isEqualTo(context.toMs());
        assertThat(timeline.phases().get(4).fromMs()).as("after the last phase in a row, not the one beside")
                .isEqualTo(timeline.phases().get(2).toMs());
        assertThat(timeline.phases().get(3).fromMs()).isEqualTo(topicsFrom);
    }

    @Test
    void theFirstEventCompletesItLaterPhasesInARowAreARestartsAndNotKept() {
        StartTimeline timeline = new StartTimeline();
        long httpFrom = timeline.now();
        timeline.mark("engine built");
        timeline.mark(StartTimeline.FIRST_EVENT);
        timeline.mark("engine built"); // a restart's
        timeline.markSince("http", httpFrom); // the first start's, ending after its first event
        timeline.markSince("http", httpFrom);

        assertThat(timeline.complete()).isTrue();
        assertThat(timeline.phases()).extracting(StartTimeline.Phase::name)
                .containsExactly("engine built", StartTimeline.FIRST_EVENT, "http");
    }
}
