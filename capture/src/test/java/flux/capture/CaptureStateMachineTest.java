package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureStateMachineTest {
    private final CaptureStatus status = new CaptureStatus();
    private final CaptureStateMachine states = new CaptureStateMachine("slot", status);

    @Test
    void aTransitionFromAStateThePipelineIsNotInChangesNothing() {
        assertThat(states.transition(CaptureState.STARTING, CaptureState.STREAMING)).isFalse();
        assertThat(status.state()).isEqualTo(CaptureState.CREATED);
        assertThat(states.transition(CaptureState.CREATED, CaptureState.STARTING)).isTrue();
        assertThat(status.state()).isEqualTo(CaptureState.STARTING);
    }

    @Test
    void failedIsLeftOnlyByStoppingAndStoppedIsFinal() {
        states.moveTo(CaptureState.STREAMING);
        states.fail(new CaptureException.Permanent("wal_level is replica"));

        states.moveTo(CaptureState.RECOVERING);
        assertThat(status.state()).isEqualTo(CaptureState.FAILED);
        states.moveTo(CaptureState.STOPPED);
        assertThat(status.state()).isEqualTo(CaptureState.FAILED);
        states.moveTo(CaptureState.STOPPING);
        states.moveTo(CaptureState.STREAMING);
        assertThat(status.state()).isEqualTo(CaptureState.STOPPING);
        states.moveTo(CaptureState.STOPPED);
        states.moveTo(CaptureState.STARTING);
        assertThat(status.state()).isEqualTo(CaptureState.STOPPED);
    }

    @Test
    void aFailureKeepsItsReasonForWhoeverSeesFailed() {
        states.fail(new CaptureException.Permanent("role \"app\" lacks the REPLICATION attribute"));

        assertThat(status.state()).isEqualTo(CaptureState.FAILED);
        assertThat(status.failure().reason()).isEqualTo("role \"app\" lacks the REPLICATION attribute");
    }
}
