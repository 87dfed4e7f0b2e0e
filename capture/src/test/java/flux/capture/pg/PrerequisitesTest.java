package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrerequisitesTest {
    private static final Prerequisites.Reading READY = new Prerequisites.Reading("logical", 180001, "flux", true, true);

    @Test
    void aServerWithLogicalWalARecentVersionAndAReplicatingRoleIsReady() {
        assertThat(Prerequisites.problem(READY)).isEmpty();
        assertThat(Prerequisites.problem(new Prerequisites.Reading("logical", 150000, "flux", true, false))).isEmpty();
    }

    @Test
    void walLevelOtherThanLogicalSaysWhatToSetAndThatARestartIsNeeded() {
        assertThat(Prerequisites.problem(new Prerequisites.Reading("replica", 180001, "flux", true, true)))
                .hasValue("wal_level is 'replica', capture needs 'logical'"
                        + " (ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL)");
    }

    @Test
    void aServerWithoutPublicationColumnListsIsTooOld() {
        assertThat(Prerequisites.problem(new Prerequisites.Reading("logical", 140011, "flux", true, true)))
                .hasValue("PostgreSQL 14 is too old: capture needs 15 or later (publication column lists)");
    }

    @Test
    void aRoleWithoutReplicationIsNamedQuotedWithTheStatementThatGrantsIt() {
        assertThat(Prerequisites.problem(new Prerequisites.Reading("logical", 180001, "App User", false, true)))
                .hasValue("role \"App User\" lacks the REPLICATION attribute that streaming the WAL needs"
                        + " (ALTER ROLE \"App User\" REPLICATION)");
    }

    @Test
    void aDroppedSlotSaysWhatWasLostAndHowToStartAfresh() {
        assertThat(Prerequisites.droppedSlot("flux")).startsWith("replication slot flux does not exist")
                .contains("changes since its last offset were not captured")
                .endsWith("DELETE FROM flux.capture_offsets WHERE slot_name = 'flux'");
    }
}
