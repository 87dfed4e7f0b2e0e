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

    @Test
    void aSlotThatCanNeverStreamIsNamedWithWhatToDo() {
        assertThat(Prerequisites.unusable(new Prerequisites.Slot("flux", "logical", "pgoutput", true, "reserved", null))).isEmpty();
        assertThat(Prerequisites.unusable(new Prerequisites.Slot("flux", "logical", "pgoutput", true, "lost", null)))
                .hasValueSatisfying(m -> assertThat(m).startsWith("replication slot flux was invalidated by PostgreSQL"
                        + " (WAL it needed was removed, see max_slot_wal_keep_size)")
                        .endsWith("SELECT pg_drop_replication_slot('flux'); DELETE FROM flux.capture_offsets"
                                + " WHERE slot_name = 'flux'"));
        assertThat(Prerequisites.unusable(new Prerequisites.Slot("flux", "logical", "pgoutput", true, "unreserved", "rows_removed")))
                .hasValueSatisfying(m -> assertThat(m).contains("invalidated by PostgreSQL (rows_removed)"));
        assertThat(Prerequisites.unusable(new Prerequisites.Slot("flux", "logical", "wal2json", true, "reserved", null)))
                .hasValueSatisfying(m -> assertThat(m).startsWith("replication slot flux is a logical slot of plugin wal2json"));
        assertThat(Prerequisites.unusable(new Prerequisites.Slot("flux", "physical", null, false, "reserved", null)))
                .hasValueSatisfying(m -> assertThat(m).startsWith("replication slot flux is a physical slot, capture"));
        assertThat(Prerequisites.unusable(new Prerequisites.Slot("flux", "logical", "pgoutput", false, "reserved", null)))
                .hasValue("replication slot flux belongs to another database: set another flux.capture.slot");
    }
}
